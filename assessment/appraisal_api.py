"""REST API of the appraisal: the appraiser's inbox and saving an appraisal or re-appraisal, with the
same rules as the pages (assignment, period state, versions, comment on differences)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from agencies import policy
from agencies.models import Period
from agencies.policy import Stage

from . import appraisal
from .appraisal_selectors import appraiser_items, with_shown_status, with_shown_version
from .models import AssessmentItem, ItemStatus
from .services import AssessmentRefused, StaleItem


class AppraisalItemSerializer(serializers.ModelSerializer):
    agency = serializers.CharField(source="agency.code", read_only=True)
    code = serializers.CharField(source="node.code", read_only=True)
    title = serializers.CharField(source="node.title", read_only=True)
    max_points = serializers.DecimalField(
        source="node.max_points", max_digits=8, decimal_places=2, read_only=True
    )
    rule = serializers.CharField(source="node.rule", read_only=True)
    # As the reader may read it (appraisal_selectors.shown_status): never a stage they may not read.
    status = serializers.ChoiceField(source="shown_status", choices=ItemStatus.choices, read_only=True)
    # What a PATCH names as read (appraisal_selectors.shown_version): the blind second appraiser's is their
    # second appraisal's, which the first appraiser's saves do not move.
    version = serializers.IntegerField(
        source="shown_version", read_only=True, allow_null=True,
        help_text="The version to send with a PATCH: the item's, or for its second appraiser the second "
        "appraisal's (0 before their first save).",
    )  # fmt: skip

    class Meta:
        model = AssessmentItem
        fields = [
            "id", "agency", "code", "title", "max_points", "rule", "applicable", "self_input", "self_note",
            "appraised_input", "appraisal_comment", "evidence_insufficient", "explanation", "reappraised_input",
            "reappraisal_comment", "status", "version",
        ]  # fmt: skip
        read_only_fields = fields

    # Stage → the fields that show it; a blind second appraiser gets them empty (agencies.policy).
    STAGE_FIELDS = {
        Stage.APPRAISED: {"appraised_input": None, "appraisal_comment": "", "evidence_insufficient": False},
        Stage.REAPPRAISED: {"reappraised_input": None, "reappraisal_comment": ""},
    }

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if getattr(instance, "blind", False):
            stages = policy.visible_stages(policy.Audience.SECOND, instance.node.criteria_set.period.state)
            for stage, fields in self.STAGE_FIELDS.items():
                if stage not in stages:
                    data.update(fields)
        return data


class AppraisalUpdateSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    input = serializers.DictField(required=False, default=dict)
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    evidence_insufficient = serializers.BooleanField(required=False, default=False)


class InboxFilter(filters.FilterSet):
    agency = filters.CharFilter(field_name="agency__code")
    status = filters.CharFilter(field_name="shown_status")  # the status the reader reads

    class Meta:
        model = AssessmentItem
        fields = ["agency", "status"]


class InboxViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """/api/v1/assessment/appraisal/<period>/items/: the items assigned to the user."""

    lookup_value_regex = r"\d+"  # an id; anything else is 404 before the lookup (not a ValueError)

    serializer_class = AppraisalItemSerializer
    filterset_class = InboxFilter
    queryset = AssessmentItem.objects.none()  # only describes the model to the schema; get_queryset scopes

    def get_queryset(self):
        period = Period.objects.filter(code=self.kwargs["period_code"]).first()
        if period is None:
            raise NotFound
        user = self.request.user
        return (
            with_shown_version(
                with_shown_status(appraiser_items(period=period, user=user), user=user), user=user
            )
            .select_related("agency", "node__criteria_set__period")
            .order_by("agency__block__position", "agency__position", "node__position")
        )

    @extend_schema(
        request=AppraisalUpdateSerializer,
        responses={
            200: AppraisalItemSerializer,
            400: OpenApiResponse(
                description="Refused: not this round, not assigned, comment missing, bad input"
            ),
            409: OpenApiResponse(AppraisalItemSerializer, description="Saved meanwhile: the stored item"),
        },
    )
    def partial_update(self, request, period_code=None, pk=None):
        item = get_object_or_404(self.get_queryset(), pk=pk)
        payload = AppraisalUpdateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        try:
            item = appraisal.item_appraisal_save(
                item=item, acting_user=request.user, expected_version=data["version"], data=data["input"],
                comment=data["comment"], evidence_insufficient=data["evidence_insufficient"],
            )  # fmt: skip
        except StaleItem:
            # The stored item as this reader's GET shows it (a blind second appraiser's fields blanked).
            return Response(self._as_read(item.pk), status=status.HTTP_409_CONFLICT)
        except AssessmentRefused as refused:
            return Response({"detail": refused.message}, status=status.HTTP_400_BAD_REQUEST)
        return Response(self._as_read(item.pk))

    def _as_read(self, pk: int) -> dict:
        """The item as the user reads it now: through the same queryset, annotations and serializer as
        a GET, so every answer (a conflict's included) shows only what the policy lets them read (an item
        they no longer read meanwhile is a 404, as its GET)."""
        return self.get_serializer(get_object_or_404(self.get_queryset(), pk=pk)).data
