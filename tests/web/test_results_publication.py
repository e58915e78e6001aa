"""Publication: only after approval, only by an authorised official; published snapshots never change;
a correction is a new version with a reason; the open-data files match the snapshot."""

import csv
import hashlib
import io
import json
import re
from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from agencies.models import PeriodState, PeriodTransition
from scoring.exports import results_rows
from scoring.models import (
    PUBLISHED_IMMUTABLE,
    AgencyResult,
    DownloadFormat,
    NodeResult,
    PublishedResultsError,
    ResultSnapshot,
    SnapshotDownload,
)
from scoring.services import (
    PUBLISH_ALREADY,
    PUBLISH_NOT_ALLOWED,
    PUBLISH_NOT_APPROVED,
    PUBLISH_OLDER,
    PUBLISH_REASON_REQUIRED,
    PublicationRefused,
    period_compute,
    snapshot_publish,
)
from tests.factories import UserFactory
from tests.public.builders import (
    NOT_READY,
    approved_province,
    official,
    published,
    ranked_province,
    zero_one_leaf,
)

pytestmark = pytest.mark.django_db


def test_publishing_an_approved_period():
    """The period moves to published (recorded as a workflow step); the snapshot is marked, with its files."""
    period, _ = approved_province(3)
    user = official()
    snapshot = snapshot_publish(
        snapshot=period_compute(period=period), acting_user=user, confirmed=True, override_reason=NOT_READY
    )
    period.refresh_from_db()
    assert period.state == PeriodState.PUBLISHED
    step = PeriodTransition.objects.get(period=period, name="publish")
    assert step.by == user and step.source == PeriodState.APPROVED
    assert snapshot.is_published and snapshot.published_by == user and snapshot.published_at
    assert snapshot.correction_reason == ""
    assert sorted(snapshot.downloads.values_list("format", flat=True)) == sorted(DownloadFormat.values)


@pytest.mark.parametrize(
    "state",
    [PeriodState.SELF_ASSESSMENT, PeriodState.APPRAISAL, PeriodState.REAPPRAISAL, PeriodState.COUNCIL],
)
def test_nothing_is_published_before_the_council_approves(state):
    period, _ = ranked_province(2, state=state)
    snapshot = period_compute(period=period)
    with pytest.raises(PublicationRefused, match=re.escape(str(PUBLISH_NOT_APPROVED))):
        snapshot_publish(snapshot=snapshot, acting_user=official(), confirmed=True, override_reason=NOT_READY)
    snapshot.refresh_from_db()
    assert not snapshot.is_published and not snapshot.downloads.exists()


@pytest.mark.parametrize(
    "role", ["council", "secretariat_lead", "appraiser", "focal_point", "survey_operator"]
)
def test_only_an_authorised_official_publishes(role):
    period, _ = approved_province(2)
    snapshot = period_compute(period=period)
    with pytest.raises(PublicationRefused, match=re.escape(str(PUBLISH_NOT_ALLOWED))):
        snapshot_publish(
            snapshot=snapshot,
            acting_user=UserFactory(username=f"x-{role}", role=role),
            confirmed=True,
            override_reason=NOT_READY,
        )
    period.refresh_from_db()
    assert period.state == PeriodState.APPROVED


def test_a_correction_is_a_new_version_with_a_reason():
    """Publishing again needs a reason and a later computation; both versions stay, the first unchanged."""
    period, agencies = approved_province(3)
    first = published(period)
    with pytest.raises(PublicationRefused, match=re.escape(str(PUBLISH_ALREADY))):
        snapshot_publish(
            snapshot=first, acting_user=official("noivu2"), confirmed=True, override_reason=NOT_READY
        )  # already published
    zero_one_leaf(period, agencies[0])
    second = period_compute(period=period)
    with pytest.raises(PublicationRefused, match=re.escape(str(PUBLISH_REASON_REQUIRED))):
        snapshot_publish(
            snapshot=second, acting_user=official("noivu2"), confirmed=True, override_reason=NOT_READY
        )  # no reason
    corrected = snapshot_publish(
        snapshot=second,
        acting_user=official("noivu2"),
        reason="  Sửa điểm tiêu chí 1.1 của Sở A  ",
        confirmed=True,
        override_reason=NOT_READY,
    )
    assert corrected.correction_reason == "Sửa điểm tiêu chí 1.1 của Sở A"
    assert list(period.snapshots.filter(is_published=True).order_by("published_at")) == [first, corrected]
    assert PeriodTransition.objects.filter(period=period, name="publish").count() == 1


def test_an_older_computation_cannot_replace_a_newer_publication():
    period, _ = approved_province(2)
    older = period_compute(period=period)
    published(period)
    with pytest.raises(PublicationRefused, match=re.escape(str(PUBLISH_OLDER))):
        snapshot_publish(
            snapshot=older,
            acting_user=official("noivu2"),
            reason="quay lại",
            confirmed=True,
            override_reason=NOT_READY,
        )


def test_a_period_already_marked_published_publishes_its_first_snapshot_without_reason():
    """A period published before snapshots could be (its state says so) publishes one without a reason."""
    period, _ = ranked_province(2, state=PeriodState.PUBLISHED)
    snapshot = published(period)
    assert snapshot.is_published and snapshot.correction_reason == ""


def _published_world():
    period, agencies = approved_province(3)
    snapshot = published(period)
    return period, agencies, snapshot


def test_a_published_snapshot_refuses_every_write():
    """save, delete, queryset update/delete and bulk_update all refuse, for the snapshot and its rows."""
    period, _, snapshot = _published_world()
    row = AgencyResult.objects.filter(snapshot=snapshot).first()
    node = NodeResult.objects.filter(snapshot=snapshot).first()
    download = SnapshotDownload.objects.filter(snapshot=snapshot).first()
    attempts = [
        lambda: snapshot.save(),
        lambda: snapshot.delete(),
        lambda: ResultSnapshot.objects.filter(pk=snapshot.pk).update(fingerprint="0" * 64),
        lambda: ResultSnapshot.objects.filter(period=period).delete(),
        lambda: row.save(),
        lambda: row.delete(),
        lambda: AgencyResult.objects.filter(snapshot=snapshot).update(index=Decimal("100")),
        lambda: AgencyResult.objects.bulk_update([row], ["index"]),
        lambda: AgencyResult.objects.filter(snapshot=snapshot).delete(),
        lambda: node.save(),
        lambda: NodeResult.objects.filter(snapshot=snapshot).update(final_points=0),
        lambda: NodeResult.objects.filter(snapshot=snapshot).delete(),
        lambda: download.save(),
        lambda: download.delete(),
        lambda: SnapshotDownload.objects.filter(snapshot=snapshot).update(sha256=""),
    ]
    for attempt in attempts:
        with (
            pytest.raises(PublishedResultsError, match=re.escape(str(PUBLISHED_IMMUTABLE))),
            transaction.atomic(),  # bulk_update has no savepoint
        ):
            attempt()
    fresh = ResultSnapshot.objects.get(pk=snapshot.pk)
    assert fresh.fingerprint == snapshot.fingerprint and fresh.is_published
    assert NodeResult.objects.filter(snapshot=snapshot).count() > 0
    assert AgencyResult.objects.get(pk=row.pk).index == row.index


def test_an_unpublished_snapshot_may_still_be_discarded():
    period, _ = ranked_province(2)
    snapshot = period_compute(period=period)
    ResultSnapshot.objects.filter(pk=snapshot.pk).delete()
    assert not ResultSnapshot.objects.filter(period=period).exists()


def test_a_snapshot_a_published_one_compares_with_is_kept():
    """Deleting last year's snapshot would rewrite a published snapshot's reference: refused."""
    previous, _ = ranked_province(2, year=2021)
    old = period_compute(period=previous)
    period, _ = approved_province(2)
    current = published(period)
    assert current.previous_snapshot == old
    with pytest.raises(PublishedResultsError, match=re.escape(str(PUBLISHED_IMMUTABLE))):
        old.delete()


def test_recomputing_after_publication_leaves_the_published_rows(django_assert_num_queries):
    period, agencies, snapshot = _published_world()
    before = list(NodeResult.objects.filter(snapshot=snapshot).values_list("id", "final_points"))
    zero_one_leaf(period, agencies[1])
    newer = period_compute(period=period)
    assert newer.version == 2 and not newer.is_published
    assert list(NodeResult.objects.filter(snapshot=snapshot).values_list("id", "final_points")) == before


def test_the_admin_offers_no_way_to_change_or_delete(client):
    """Change and delete pages answer 403 for a superuser, and no bulk action is offered."""
    _, _, snapshot = _published_world()
    admin = UserFactory(username="admin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    row = snapshot.agency_results.first()
    for name, pk in (
        ("scoring_resultsnapshot", snapshot.pk),
        ("scoring_agencyresult", row.pk),
        ("scoring_noderesult", snapshot.node_results.first().pk),
    ):
        assert client.post(reverse(f"admin:{name}_delete", args=[pk]), {"post": "yes"}).status_code == 403
        change = client.post(reverse(f"admin:{name}_change", args=[pk]), {"fingerprint": "0" * 64})
        assert change.status_code in (302, 403) or "submit-row" not in change.content.decode()
        changelist = client.get(reverse(f"admin:{name}_changelist"))
        assert changelist.status_code == 200 and 'name="action"' not in changelist.content.decode()
    response = client.post(
        reverse("admin:scoring_resultsnapshot_changelist"),
        {"action": "delete_selected", "_selected_action": [snapshot.pk], "post": "yes"},
    )
    assert response.status_code in (200, 302)
    assert ResultSnapshot.objects.filter(pk=snapshot.pk, is_published=True).exists()
    assert ResultSnapshot.objects.get(pk=snapshot.pk).fingerprint == snapshot.fingerprint


def _download(snapshot, fmt) -> SnapshotDownload:
    return snapshot.downloads.get(format=fmt)


def test_the_files_match_the_snapshot_and_their_digest():
    """CSV, details CSV, XLSX and JSON hold exactly the snapshot's numbers; the stored SHA-256 is the file's."""
    _, agencies, snapshot = _published_world()
    expected = results_rows(snapshot)
    for download in snapshot.downloads.all():
        assert download.sha256 == hashlib.sha256(bytes(download.content)).hexdigest()
        assert download.size == len(bytes(download.content))

    table = list(csv.DictReader(io.StringIO(bytes(_download(snapshot, "results_csv").content).decode())))
    assert [(r["agency_code"], r["index"], r["rank"], r["band"]) for r in table] == [
        (r["agency_code"], r["index"], str(r["rank"]), r["band"]) for r in expected
    ]

    document = json.loads(bytes(_download(snapshot, "json").content))
    assert (
        document["fingerprint"] == snapshot.fingerprint and document["snapshot_version"] == snapshot.version
    )
    assert document["results"] == json.loads(json.dumps(expected))
    nodes = {
        (r.agency.code, r.node.code): r
        for r in NodeResult.objects.filter(snapshot=snapshot).select_related("agency", "node")
    }
    assert len(document["details"]) == len(nodes)
    for detail in document["details"]:
        stored = nodes[(detail["agency_code"], detail["node_code"])]
        assert Decimal(detail["final_points"]) == stored.final_points
        assert Decimal(detail["applicable_max"]) == stored.applicable_max

    details_csv = list(
        csv.DictReader(io.StringIO(bytes(_download(snapshot, "details_csv").content).decode()))
    )
    assert [(d["agency_code"], d["node_code"], d["final_points"]) for d in details_csv] == [
        (d["agency_code"], d["node_code"], d["final_points"]) for d in document["details"]
    ]

    book = load_workbook(io.BytesIO(bytes(_download(snapshot, "xlsx").content)))
    sheet = book["results"]
    header = [cell.value for cell in sheet[1]]
    rows = [
        dict(zip(header, (cell.value for cell in row), strict=True)) for row in sheet.iter_rows(min_row=2)
    ]
    assert [(r["agency_code"], Decimal(str(r["index"])), r["rank"]) for r in rows] == [
        (r["agency_code"], Decimal(r["index"]), r["rank"]) for r in expected
    ]
    assert Decimal(str(rows[0]["area_1"])) == Decimal(expected[0]["areas"]["1"])
    assert book["details"].max_row - 1 == len(nodes)
    metadata = {row[0].value: row[1].value for row in book["metadata"].iter_rows()}
    assert metadata["fingerprint"] == snapshot.fingerprint


def test_the_workbook_is_the_same_bytes_for_the_same_snapshot():
    """Built twice from one snapshot and publication time, the XLSX is byte-identical (so is its digest)."""
    from scoring.exports import open_data_files

    _, _, snapshot = _published_world()
    once = {f.format: f.sha256 for f in open_data_files(snapshot, published_at=snapshot.published_at)}
    twice = {f.format: f.sha256 for f in open_data_files(snapshot, published_at=snapshot.published_at)}
    assert once == twice
    assert once["xlsx"] == _download(snapshot, "xlsx").sha256


def test_rank_change_compares_with_the_published_version_of_last_year():
    """Last year published v1 and later computed an unpublished v2: this year's rank change uses v1."""
    last, last_agencies = approved_province(3, year=2021)
    v1 = published(last)
    # reverse last year's order in an unpublished recomputation
    from assessment.models import AssessmentItem

    AssessmentItem.objects.filter(
        agency=last_agencies[0], node__criteria_set__period=last, node__rule="manual"
    ).update(appraised_input={"points": "0"})
    v2 = period_compute(period=last)
    assert (
        v2.agency_results.get(agency=last_agencies[0]).rank
        != v1.agency_results.get(agency=last_agencies[0]).rank
    )
    # this year's agencies are last year's (same codes through the factory's agencies)
    period, _ = approved_province(0)
    from assessment.models import AssessmentItem as Item
    from scoring.models import CriteriaNode

    leaves = CriteriaNode.objects.filter(criteria_set__period=period, rule="manual")
    Item.objects.bulk_create(
        Item(agency=agency, node=leaf, appraised_input={"points": str(leaf.max_points)})
        for agency in last_agencies
        for leaf in leaves
    )
    current = period_compute(period=period)
    assert current.previous_snapshot == v1
    for agency in last_agencies:
        result = current.agency_results.get(agency=agency)
        assert result.rank_change == v1.agency_results.get(agency=agency).rank - result.rank


def test_the_publish_command(capsys):
    """`publish_results` publishes the latest snapshot as the named user and prints each file's digest."""
    from django.core.management import call_command
    from django.core.management.base import CommandError

    period, _ = approved_province(2)
    snapshot = period_compute(period=period)
    official("noivu")
    with pytest.raises(CommandError, match="give --reason"):
        call_command("publish_results", "--period", period.code, "--user", "noivu")
    assert not ResultSnapshot.objects.filter(period=period, is_published=True).exists()
    with translation.override("en"):
        call_command("publish_results", "--period", period.code, "--user", "noivu", "--reason", NOT_READY)
    out = capsys.readouterr().out
    assert "Not ready: Criteria not appraised yet:" in out
    snapshot.refresh_from_db()
    assert snapshot.is_published
    for download in snapshot.downloads.all():
        assert download.sha256 in out
    with pytest.raises(CommandError, match="Cannot publish"):
        call_command("publish_results", "--period", period.code, "--user", "noivu", "--snapshot", "1")
    UserFactory(username="hoidong", role="council")
    newer = period_compute(period=period)
    with pytest.raises(CommandError, match="Cannot publish"):
        call_command("publish_results", "--period", period.code, "--user", "hoidong", "--reason", "x")
    newer.refresh_from_db()
    assert not newer.is_published
