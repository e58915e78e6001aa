"""Writes for scoring: compute a period into a new result snapshot; publish a snapshot."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies import policy
from agencies.models import Period, PeriodState
from agencies.workflow import TransitionRefused, period_transition
from parindex.refusals import Refused

from . import engine
from .exports import open_data_files
from .formats import (
    CriteriaFileError,
    criteria_set_from_document,
    criteria_set_to_document,
    validate_document,
)
from .inputs import Standing, period_inputs
from .models import AgencyResult, CriteriaSet, JobStage, NodeResult, ResultSnapshot, SnapshotDownload

STORED = Decimal("0.0001")
EXACT = Decimal("0.000001")

# (percent, stage) → None; called between steps, outside the snapshot's transaction
ProgressCallback = Callable[[int, str], None]


def _stored(value: Decimal) -> Decimal:
    """Maxima (sums of configured maxima, at most 4 decimals) are stored as they are."""
    return value.quantize(STORED, rounding=ROUND_HALF_UP)


_exact = engine.stored_exact  # computed points: every digit, so a published figure is rounded only once


def period_compute(
    *,
    period: Period,
    acting_user=None,
    progress: ProgressCallback | None = None,
    on_stored: Callable[[ResultSnapshot], None] | None = None,
) -> ResultSnapshot:
    """Computes every block of the period and stores the results as one new snapshot, atomically.

    Inputs are read in a fixed number of queries and results written in bulk, so the cost does not
    grow in queries with the number of agencies. A failure stores nothing and leaves earlier snapshots.

    `progress(percent, stage)` is called between steps, outside the transaction, so what it writes is
    seen while the computation runs. `on_stored(snapshot)` is called inside the transaction once every
    row is written: what it writes commits or rolls back with the snapshot.
    """
    report = progress or (lambda percent, stage: None)
    report(5, JobStage.INPUTS)
    inputs = period_inputs(period)
    report(20, JobStage.COMPUTING)
    computed = []
    for position, block in enumerate(inputs.blocks, start=1):
        by_stage = {
            stage: {
                r.key: r for r in (engine.compute_agency(block.tree, a) for a in block.stage_inputs[stage])
            }
            for stage in ("self", "appraised")
        }
        final = engine.compute_block(
            block.tree, block.rules, block.stage_inputs["final"], inputs.previous_ranks
        )
        computed.append((block, by_stage, final))
        report(20 + 60 * position // len(inputs.blocks), JobStage.COMPUTING)

    report(85, JobStage.WRITING)
    with transaction.atomic():
        latest = ResultSnapshot.objects.select_for_update().filter(period=period).aggregate(Max("version"))
        snapshot = ResultSnapshot.objects.create(
            period=period,
            version=(latest["version__max"] or 0) + 1,
            created_by=acting_user,
            fingerprint=inputs.fingerprint,
            previous_snapshot=inputs.previous_snapshot,
        )
        agency_rows, node_rows = [], []
        for block, by_stage, final in computed:
            agencies = {agency.code: agency for agency in block.agencies}
            shown_block = block.criteria_set.block
            band_labels = {band.code: band.label for band in block.rules.bands}
            for result in final:
                agency = agencies[result.key]
                standing = inputs.standings.get(agency.id, Standing())
                self_result = by_stage["self"][result.key]
                appraised_result = by_stage["appraised"][result.key]
                agency_rows.append(
                    AgencyResult(
                        snapshot=snapshot,
                        agency=agency,
                        block_id=agency.block_id,
                        points=_exact(result.points),
                        max_points=_stored(result.max_points),
                        exact_index=result.exact_index.quantize(EXACT, rounding=ROUND_HALF_UP),
                        index=result.index,
                        self_index=self_result.index,
                        ranked=result.ranked,
                        rank=result.rank,
                        rank_change=result.rank_change,
                        unscored=list(result.unscored),
                        band_code=result.band or "",
                        band_label=band_labels.get(result.band, ""),
                        head_class=result.head_class,
                        review_flags=list(result.review_flags),
                        area_indices={
                            k: None if v is None else str(v) for k, v in result.area_indices.items()
                        },
                        agency_code=agency.code,
                        agency_name=agency.name,
                        agency_short_name=agency.short_name,
                        agency_head_title=agency.head_title,
                        agency_position=agency.position,
                        block_code=shown_block.code,
                        block_name=shown_block.name,
                        block_table_prefix=shown_block.table_prefix,
                        block_position=shown_block.position,
                        compared_with_id=standing.compared_with,
                        predecessors=[
                            {
                                "agency_id": p.agency_id,
                                "agency_code": p.code,
                                "agency_name": p.name,
                                "rank": p.rank,
                                "index": None if p.index is None else str(p.index),
                            }
                            for p in standing.predecessors
                        ],
                    )
                )
                for code, score in result.nodes.items():
                    node_rows.append(
                        (
                            snapshot.id,
                            agency.id,
                            block.node_ids[code],
                            score.applicable,
                            _stored(score.applicable_max),
                            _exact(self_result.nodes[code].points),
                            _exact(appraised_result.nodes[code].points),
                            _exact(score.points),
                        )
                    )
        AgencyResult.objects.bulk_create(agency_rows, batch_size=1000)
        _node_results_store(node_rows)
        if on_stored is not None:
            on_stored(snapshot)
    return snapshot


NODE_RESULT_COLUMNS = (
    "snapshot_id",
    "agency_id",
    "node_id",
    "applicable",
    "applicable_max",
    "self_points",
    "appraised_points",
    "final_points",
)


def _node_results_store(rows: list[tuple]) -> None:
    """Tens of thousands of rows per snapshot: COPY on PostgreSQL (about ten times faster than
    INSERT batches), bulk_create elsewhere."""
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(NodeResult._meta.db_table)
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({', '.join(NODE_RESULT_COLUMNS)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    NodeResult.objects.bulk_create(
        (NodeResult(**dict(zip(NODE_RESULT_COLUMNS, row, strict=True))) for row in rows), batch_size=2000
    )


# Publication -------------------------------------------------------------------------------------

PUBLISH_NOT_ALLOWED = _("You are not allowed to publish results.")
PUBLISH_NOT_APPROVED = _("Results can be published only after the council has approved them.")
PUBLISH_ALREADY = _("This snapshot is already published.")
PUBLISH_REASON_REQUIRED = _("A correction replaces published results: state the reason.")
PUBLISH_OLDER = _("A correction must be a later computation than the published one.")
PUBLISH_NOT_CONFIRMED = _("Confirm the publication first: it cannot be undone.")


class PublicationRefused(Refused):
    """A publication the rules do not allow (parindex.refusals)."""


def snapshot_current_published(period: Period) -> ResultSnapshot | None:
    return period.snapshots.filter(is_published=True).order_by("-published_at", "-version").first()


@transaction.atomic
def snapshot_publish(
    *,
    snapshot: ResultSnapshot,
    acting_user,
    reason: str = "",
    note: str = "",
    confirmed: bool = False,
    override_reason: str = "",
) -> ResultSnapshot:
    """Publishes a snapshot of an approved period, or a correction of a published one.

    The first publication moves the period to "published" through the workflow, which checks the user's
    permission, the confirmation and the readiness list (`override_reason` when something is not ready)
    and records the step. Its optional `note` is a publication note, never a correction reason: there is
    nothing yet to correct. A correction needs a `reason` and a later computation than the one published.
    Both need `confirmed`: a publication cannot be undone. The open-data files are written now, once,
    with their SHA-256; from then on the snapshot, its rows and its files are immutable
    (scoring.models.PublishedResultsError).
    """
    reason, note = reason.strip(), note.strip()
    if acting_user is None or not acting_user.has_perm("scoring.publish_results"):
        raise PublicationRefused(PUBLISH_NOT_ALLOWED)
    period = Period.objects.select_for_update().get(pk=snapshot.period_id)
    locked = ResultSnapshot.objects.select_for_update().select_related("period").get(pk=snapshot.pk)
    if locked.is_published:
        raise PublicationRefused(PUBLISH_ALREADY)
    current = snapshot_current_published(period)
    if current is not None:
        if not reason:
            raise PublicationRefused(PUBLISH_REASON_REQUIRED)
        if locked.version < current.version:
            raise PublicationRefused(PUBLISH_OLDER)
    else:
        note, reason = note or reason, ""  # a first publication corrects nothing
    if not confirmed:
        raise PublicationRefused(PUBLISH_NOT_CONFIRMED)
    if period.state == PeriodState.APPROVED:
        try:
            period_transition(
                period=period,
                name="publish",
                acting_user=acting_user,
                comment=note,
                confirmed=True,
                override_reason=override_reason,
                snapshot=locked,
            )
        except TransitionRefused as refusal:
            raise PublicationRefused(refusal.message) from refusal
    elif period.state != PeriodState.PUBLISHED:
        raise PublicationRefused(PUBLISH_NOT_APPROVED)
    now = timezone.now()
    files = open_data_files(locked, published_at=now, correction_reason=reason)
    SnapshotDownload.objects.bulk_create(
        SnapshotDownload(
            snapshot=locked,
            format=each.format,
            file_name=each.file_name,
            media_type=each.media_type,
            content=each.content,
            size=len(each.content),
            sha256=each.sha256,
        )
        for each in files
    )
    ResultSnapshot.objects.filter(pk=locked.pk).update(
        is_published=True,
        published_at=now,
        published_by=acting_user,
        correction_reason=reason,
        publication_note=note,
    )
    return ResultSnapshot.objects.select_related("period", "published_by").get(pk=locked.pk)


# --- criteria sets ----------------------------------------------------------------------------------

CRITERIA_NOT_ALLOWED = _("You cannot import criteria sets.")
CRITERIA_EXISTS = _("%(period)s/%(block)s already has a criteria set: replace it, or leave it.")


class CriteriaImportRefused(Refused):
    """The import is refused as a whole: `conflict` when the period's state or its existing set forbids it
    now (the document may be fine), otherwise the user may not import at all."""

    def __init__(self, message, *, conflict: bool = False):
        super().__init__(message)
        self.conflict = conflict


def criteria_document_digest(document) -> str:
    """The SHA-256 of the document's canonical JSON: the audit names which document was imported."""
    canonical = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@transaction.atomic
def criteria_set_import(
    document,
    *,
    period: Period,
    block,
    acting_user,
    replace: bool = False,
    locations=None,
    via: str = "api",
    copied_from: CriteriaSet | None = None,
):
    """Imports a `parindex-criteria/1` document as the period's set for the block (or replaces it), as
    the `import_criteria` command and the API do. The policy (agencies.policy, Obj.CRITERIA: Home Affairs
    while the period is a draft) is asked for a person; `acting_user=None` is the operator at the server
    (the command), who is held to the period's state too. A bad document raises
    scoring.formats.CriteriaFileError with every problem; nothing is stored. The set's history names
    who, how (`via`) and the document's SHA-256."""
    if acting_user is not None and not acting_user.has_perm("scoring.add_criteriaset"):
        raise CriteriaImportRefused(CRITERIA_NOT_ALLOWED)
    who = policy.audience(acting_user) if acting_user is not None else policy.Audience.SUPERUSER
    if not policy.may_use(who, policy.Obj.CRITERIA, write=True):
        raise CriteriaImportRefused(CRITERIA_NOT_ALLOWED)
    period = Period.objects.select_for_update().get(pk=period.pk)  # no opening of the period meanwhile
    if refusal := policy.write_refusal(who, policy.Obj.CRITERIA, period):
        raise CriteriaImportRefused(refusal, conflict=True)
    existing = CriteriaSet.objects.select_for_update().filter(period=period, block=block).first()
    if existing is not None and not replace:
        raise CriteriaImportRefused(
            CRITERIA_EXISTS % {"period": period.code, "block": block.code}, conflict=True
        )
    if not isinstance(document, Mapping):  # a list or a number: nothing else to check
        raise CriteriaFileError(validate_document(document))
    reason = f"criteria import ({via}): sha256 {criteria_document_digest(document)}"
    return criteria_set_from_document(
        period=period,
        block=block,
        document=document,
        locations=locations,
        replace=replace,
        acting_user=acting_user,
        change_reason=reason,
        copied_from=copied_from,
    )


def criteria_set_copy(*, source: CriteriaSet, period: Period, acting_user, replace: bool = False):
    """Copies a set (e.g. last year's) to `period` for the same block, through its document and
    `criteria_set_import`: the same policy (a draft period only) and audit ("copy"; the history row
    names the source in `copied_from`)."""
    return criteria_set_import(
        criteria_set_to_document(source),
        period=period,
        block=source.block,
        acting_user=acting_user,
        replace=replace,
        via="copy",
        copied_from=source,
    )
