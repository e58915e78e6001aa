"""REST API for evidence: list and read the visible files, upload one as the agency's focal point."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from .models import EvidenceFile
from .permissions import may_attach_evidence
from .selectors import evidence_visible_to, items_visible_to
from .services import evidence_attach, evidence_library_refusal, evidence_upload
from .uploads import limit_upload_size, refused_uploads

NOT_FOCAL_POINT = _("Only the agency's focal point can upload its evidence.")


class EvidenceFileSerializer(serializers.ModelSerializer):
    items = serializers.SerializerMethodField(help_text=_("Assessment items this file supports."))
    download_url = serializers.SerializerMethodField()
    uploaded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = EvidenceFile
        fields = [
            "id",
            "agency",
            "original_name",
            "size",
            "sha256",
            "content_type",
            "document_number",
            "document_date",
            "summary",
            "uploaded_by",
            "uploaded_at",
            "items",
            "download_url",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_items(self, evidence: EvidenceFile) -> list[int]:
        return sorted(link.item_id for link in evidence.links.all())

    def get_download_url(self, evidence: EvidenceFile) -> str:
        url = reverse("evidence:download", args=[evidence.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class EvidenceUploadSerializer(serializers.Serializer):
    file = serializers.FileField(use_url=False)
    item = serializers.IntegerField(
        required=False, help_text=_("An assessment item of the agency the file is linked to.")
    )
    document_number = serializers.CharField(required=False, allow_blank=True, max_length=100, default="")
    document_date = serializers.DateField(required=False, allow_null=True, default=None)
    summary = serializers.CharField(required=False, allow_blank=True, default="")


class EvidenceFileFilter(filters.FilterSet):
    # Plain numbers, not model choices: an id outside the user's scope filters to nothing instead of
    # being reported as invalid, so it reveals nothing.
    agency = filters.NumberFilter(field_name="agency_id")
    item = filters.NumberFilter(field_name="links__item_id")

    class Meta:
        model = EvidenceFile
        fields = ["agency", "item"]


class EvidenceFileViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Evidence files of the agencies the user may read; ids of other agencies' files answer 404."""

    serializer_class = EvidenceFileSerializer
    filterset_class = EvidenceFileFilter
    parser_classes = [MultiPartParser, FormParser]

    def initialize_request(self, request, *args, **kwargs):
        if request.method == "POST":
            limit_upload_size(request)  # before authentication's CSRF check reads the body
        return super().initialize_request(request, *args, **kwargs)

    def get_queryset(self):
        return (
            evidence_visible_to(self.request.user)
            .select_related("uploaded_by")
            .prefetch_related("links")
            .order_by("-uploaded_at", "-pk")
        )

    @extend_schema(request=EvidenceUploadSerializer, responses={201: EvidenceFileSerializer})
    def create(self, request, *args, **kwargs):
        """Uploads one file for the user's agency (checked by content and size), optionally linked to an item.

        Content the agency already stored is not stored twice: the existing file is returned.
        """
        user = request.user
        if user.agency_id is None or not may_attach_evidence(user, user.agency):
            raise PermissionDenied(NOT_FOCAL_POINT)
        upload = EvidenceUploadSerializer(data=request.data)  # parses the body
        if too_large := refused_uploads(request._request):
            raise serializers.ValidationError({"file": too_large})
        upload.is_valid(raise_exception=True)
        data = dict(upload.validated_data)
        uploaded_file, item_pk = data.pop("file"), data.pop("item", None)
        try:
            if item_pk is None:
                if refusal := evidence_library_refusal(agency=user.agency):
                    raise PermissionDenied(refusal)
                evidence = evidence_upload(agency=user.agency, uploaded_file=uploaded_file, user=user, **data)
            else:
                item = items_visible_to(user).select_related("agency").filter(pk=item_pk).first()
                if item is None:
                    raise Http404
                if not may_attach_evidence(user, item.agency):
                    raise PermissionDenied(NOT_FOCAL_POINT)
                evidence = evidence_attach(item=item, uploaded_file=uploaded_file, user=user, **data)
        except DjangoValidationError as error:
            raise serializers.ValidationError({"file": error.messages}) from None
        evidence = self.get_queryset().get(pk=evidence.pk)
        return Response(self.get_serializer(evidence).data, status=status.HTTP_201_CREATED)
