"""REST API of the self-assessment: the agency's items, and saving one with the same rules as the page
(window, lock, focal point only, optimistic locking by `version`)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from agencies.permissions import items_readable_q

from . import services
from .appraisal_selectors import with_shown_status, with_shown_version
from .models import AssessmentItem, ItemStatus


class ItemSerializer(serializers.ModelSerializer):
    period = serializers.CharField(source="node.criteria_set.period.code", read_only=True)
    agency = serializers.CharField(source="agency.code", read_only=True)
    code = serializers.CharField(source="node.code", read_only=True)
    title = serializers.CharField(source="node.title", read_only=True)
    max_points = serializers.DecimalField(
        source="node.max_points", max_digits=8, decimal_places=2, read_only=True
    )
    rule = serializers.CharField(source="node.rule", read_only=True)
    rule_params = serializers.JSONField(source="node.rule_params", read_only=True)
    evidence = serializers.PrimaryKeyRelatedField(source="evidence_links", many=True, read_only=True)
    # As the reader may read it (appraisal_selectors.shown_status): never a stage they may not read.
    status = serializers.ChoiceField(source="shown_status", choices=ItemStatus.choices, read_only=True)
    # As the reader may read it (appraisal_selectors.shown_version): null while the item's version moves
    # with stages they may not read (the agency's during the appraisal, when its items are not its to write).
    version = serializers.IntegerField(
        source="shown_version", read_only=True, allow_null=True,
        help_text="The version to send with a PATCH; null while the item changes in ways its reader may "
        "not see yet (the appraisal, the re-appraisal), when it is not theirs to change.",
    )  # fmt: skip

    class Meta:
        model = AssessmentItem
        fields = [
            "id", "period", "agency", "code", "title", "max_points", "rule", "rule_params",
            "applicable", "not_applicable_reason", "self_input", "self_note", "status", "version", "evidence",
        ]  # fmt: skip
        read_only_fields = fields


class ItemUpdateSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        help_text="The version read; a newer stored version answers 409, unless it already holds exactly "
        "what is sent (a retry after a lost answer): then 200 with the stored item."
    )
    input = serializers.DictField(
        required=False, default=dict, help_text="What the rule reads: points, level, value, target."
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")
    applicable = serializers.BooleanField(required=False, default=True)
    not_applicable_reason = serializers.CharField(required=False, allow_blank=True, default="")


class ItemFilter(filters.FilterSet):
    period = filters.CharFilter(field_name="node__criteria_set__period__code")
    agency = filters.CharFilter(field_name="agency__code")
    status = filters.ChoiceFilter(field_name="shown_status", choices=ItemStatus.choices)  # as read

    class Meta:
        model = AssessmentItem
        fields = ["period", "agency", "status"]


class ItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = r"\d+"  # an id; anything else is 404 before the lookup (not a ValueError)
    serializer_class = ItemSerializer
    filterset_class = ItemFilter

    def get_queryset(self):
        return (
            with_shown_version(
                with_shown_status(
                    AssessmentItem.objects.filter(items_readable_q(self.request.user)), user=self.request.user
                ),
                user=self.request.user,
            )
            .select_related("agency", "node__criteria_set__period")
            .prefetch_related("evidence_links")
            .order_by("agency__code", "node__position")
        )

    @extend_schema(
        request=ItemUpdateSerializer,
        responses={
            200: ItemSerializer,
            400: OpenApiResponse(
                description="Refused: closed window, locked, not the focal point, bad input"
            ),
            409: OpenApiResponse(
                ItemSerializer, description="Saved meanwhile by someone else: the stored item"
            ),
        },
    )
    def partial_update(self, request, pk=None):
        item = get_object_or_404(self.get_queryset(), pk=pk)
        payload = ItemUpdateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        try:
            item = services.item_self_score(
                item=item,
                acting_user=request.user,
                expected_version=data["version"],
                data=data["input"],
                note=data["note"],
                applicable=data["applicable"],
                not_applicable_reason=data["not_applicable_reason"],
            )
        except services.StaleItem as stale:  # the stored item, as this reader's GET shows it
            stored = self.get_queryset().get(pk=stale.current.pk)
            return Response(ItemSerializer(stored).data, status=status.HTTP_409_CONFLICT)
        except services.AssessmentRefused as refused:
            return Response(
                {"detail": refused.message, "codes": refused.details}, status=status.HTTP_400_BAD_REQUEST
            )
        return Response(ItemSerializer(self.get_queryset().get(pk=item.pk)).data)
