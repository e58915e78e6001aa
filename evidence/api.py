"""REST API for evidence: list and read the visible files, upload one as the agency's focal point."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from agencies import policy

from .models import EvidenceFile, EvidenceLink
from .selectors import CHECK_BULK, evidence_flags_newest, evidence_visible_to, items_visible_to
from .services import evidence_attach, evidence_library_refusal, evidence_upload
from .uploads import limit_upload_size, refused_uploads

NOT_FOCAL_POINT = _("Only the agency's focal point can upload its evidence.")


class EvidenceCheckResultSerializer(serializers.Serializer):
    """What the background checks found (the signature badge of the pages)."""

    status = serializers.CharField(help_text=_("queued, running, done or failed (not checked)."))
    signature = serializers.CharField(
        allow_blank=True, help_text=_("The badge's state; blank until checked.")
    )
    signature_label = serializers.CharField(allow_blank=True)
    signer_name = serializers.CharField(allow_blank=True)
    signer_organisation = serializers.CharField(allow_blank=True)
    signed_at = serializers.DateTimeField(allow_null=True)
    signed_at_time_stamped = serializers.BooleanField(
        help_text=_(
            "True: signed_at is a trusted timestamp authority's time; false: the signer's computer's claim."
        )
    )


class EvidenceFlagsSerializer(serializers.Serializer):
    """What an appraiser should notice, for the period of the file's newest linked item (the pages'
    flags): the same bytes uploaded by other agencies (named only where the reader sees them; never
    told to an agency) and a document day outside the assessed year."""

    period = serializers.CharField()
    duplicated = serializers.BooleanField()
    duplicate_agencies = serializers.ListField(child=serializers.CharField())
    duplicate_hidden = serializers.IntegerField()
    document_day = serializers.DateField(allow_null=True)
    day_from_signature = serializers.BooleanField()
    outside_year = serializers.BooleanField()


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
            "check",
            "flags",
        ]
        read_only_fields = fields

    check = serializers.SerializerMethodField(help_text=_("The checks' results; null before any check."))
    flags = serializers.SerializerMethodField(help_text=_("Null for a file that supports no item."))

    @extend_schema_field(EvidenceCheckResultSerializer(allow_null=True))
    def get_check(self, evidence: EvidenceFile) -> dict | None:
        check = getattr(evidence, "check_result", None)
        if check is None:
            return None
        return {
            "status": check.status,
            "signature": check.signature,
            "signature_label": str(check.get_signature_display()) if check.signature else "",
            "signer_name": check.signer_name,
            "signer_organisation": check.signer_organisation,
            "signed_at": serializers.DateTimeField().to_representation(check.signed_at)
            if check.signed_at
            else None,
            "signed_at_time_stamped": check.signed_at_time_stamped,
        }

    @extend_schema_field(EvidenceFlagsSerializer(allow_null=True))
    def get_flags(self, evidence: EvidenceFile) -> dict | None:
        flags, period = getattr(evidence, "flags", None), getattr(evidence, "flags_period", None)
        if flags is None or period is None:
            return None
        return {
            "period": period.code,
            "duplicated": flags.duplicated,
            "duplicate_agencies": list(flags.duplicate_agencies),
            "duplicate_hidden": flags.duplicate_hidden,
            "document_day": flags.document_day.isoformat() if flags.document_day else None,
            "day_from_signature": flags.day_from_signature,
            "outside_year": flags.outside_year,
        }

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

    lookup_value_regex = r"\d+"  # an id; anything else is 404 before the lookup (not a ValueError)

    serializer_class = EvidenceFileSerializer
    filterset_class = EvidenceFileFilter
    parser_classes = [MultiPartParser, FormParser]

    def initialize_request(self, request, *args, **kwargs):
        if request.method == "POST":
            limit_upload_size(request)  # before authentication's CSRF check reads the body
        return super().initialize_request(request, *args, **kwargs)

    def get_queryset(self):
        user = self.request.user
        # A file's items and flags come from the items the user may read: an appraiser of last year
        # who reads a file reused this year is not told of this year's items.
        readable_links = EvidenceLink.objects.filter(item__in=items_visible_to(user)).select_related(
            "item__node__criteria_set__period"
        )
        return (
            evidence_visible_to(user)
            .select_related("uploaded_by", "check_result")
            .defer(*(f"check_result__{name}" for name in CHECK_BULK))
            .prefetch_related(Prefetch("links", queryset=readable_links))
            .order_by("-uploaded_at", "-pk")
        )

    def get_serializer(self, *args, **kwargs):
        if args and self.request.method == "GET":
            files = args[0] if isinstance(args[0], list | tuple) else [args[0]]
            self._flag(files)
        return super().get_serializer(*args, **kwargs)

    def _flag(self, files) -> None:
        """The pages' flags (evidence_flags), each file for the period of its newest readable item."""
        evidence_flags_newest(
            user=self.request.user,
            files=[
                (evidence, [link.item.node.criteria_set.period for link in evidence.links.all()])
                for evidence in files
            ],
        )

    @extend_schema(request=EvidenceUploadSerializer, responses={201: EvidenceFileSerializer})
    def create(self, request, *args, **kwargs):
        """Uploads one file for the user's agency (checked by content and size), optionally linked to an item.

        Content the agency already stored is not stored twice: the existing file is returned.
        """
        user = request.user
        if not policy.may_self_assess(user, user.agency_id):
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
                evidence = evidence_upload(
                    agency=user.agency, uploaded_file=uploaded_file, acting_user=user, **data
                )
            else:
                item = items_visible_to(user).select_related("agency").filter(pk=item_pk).first()
                if item is None:
                    raise Http404
                if not policy.may_self_assess(user, item.agency_id):
                    raise PermissionDenied(NOT_FOCAL_POINT)
                evidence = evidence_attach(item=item, uploaded_file=uploaded_file, acting_user=user, **data)
        except DjangoValidationError as error:
            raise serializers.ValidationError({"file": error.messages}) from None
        evidence = self.get_queryset().get(pk=evidence.pk)
        return Response(self.get_serializer(evidence).data, status=status.HTTP_201_CREATED)
