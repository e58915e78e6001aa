"""How recent an answer's figures are (`as_of`): every change of the agency makes it grow, each fragment
of an autosave's or the progress' answer carries it, and the progress reads its figures at one moment.
The page's side (keeping the newer figure when answers cross) is tests/e2e/test_answers_out_of_order.py."""

import re
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.db.models import F
from django.urls import reverse

from assessment import selectors
from assessment.models import AssessmentItem
from evidence import services as evidence_services
from evidence.models import EvidenceFile
from parindex.snapshots import one_snapshot
from scoring.models import CriteriaNode
from tests.assessment.test_self_assessment import PDF, attach, post_item
from tests.worlds import self_assessment_world

pytestmark = pytest.mark.django_db

OOB = re.compile(r"<[a-z]+ [^>]*hx-swap-oob=\"true\"[^>]*>")


def as_of(world, agency=None):
    return selectors.self_assessment_as_of(period=world.period, agency=agency or world.agency)


def dates(html: str) -> set[str]:
    """The data-as-of of every out-of-band fragment (None where one has none)."""
    found = set()
    for tag in OOB.findall(html):
        match = re.search(r'data-as-of="(\d+)"', tag)
        found.add(match.group(1) if match else None)
    return found


def test_every_change_of_the_agency_makes_its_answers_newer(client, world):
    client.force_login(world.users["focal"])
    start = as_of(world)
    assert start == sum(AssessmentItem.objects.filter(agency=world.agency).values_list("version", flat=True))

    saved = post_item(client, world, "1.1", points="1").content.decode()
    assert dates(saved) == {str(start + 1)} == {str(as_of(world))}  # every fragment, dated alike

    refused = post_item(client, world, "1.1", points="3").content.decode()  # outside 0…2: nothing stored
    assert "text-danger" in refused and dates(refused) == {str(start + 1)}

    stale = post_item(client, world, "1.2", version=7, level="dung_han").content.decode()
    assert "alert-warning" in stale and dates(stale) == {str(start + 1)}

    item = world.item("1.1")
    attach(world, "1.2")  # a link made as the sample does: audited too
    evidence_services.evidence_attach(
        item=item,
        uploaded_file=_pdf("ke-hoach.pdf"),
        acting_user=world.users["focal"],
    )
    assert as_of(world) == start + 3
    evidence = EvidenceFile.objects.get(original_name="ke-hoach.pdf")
    evidence_services.evidence_unlink(item=item, evidence=evidence, acting_user=world.users["focal"])
    assert as_of(world) == start + 4  # a link taken away is a change too: the count never goes back
    answer = selectors.self_assessment_saved(agency=world.agency, item=world.item("1.1"))
    assert answer.as_of == start + 4

    post_item(client, world, "1.1", version=1, points="1")  # a save sent again: stored already, not rewritten
    assert as_of(world) == start + 4

    other = as_of(world, world.other)
    AssessmentItem.objects.filter(agency=world.other).update(version=5)
    assert as_of(world) == start + 4 and as_of(world, world.other) != other  # per agency


def _pdf(name):
    return SimpleUploadedFile(name, PDF, "application/pdf")


def test_the_progress_answer_is_dated_as_its_figures(client, world):
    client.force_login(world.users["focal"])
    post_item(client, world, "1.1", points="1")
    attach(world, "1.1")
    url = reverse("assessment:progress", args=[world.period.code, world.agency.code])
    html = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert dates(html) == {str(as_of(world))}
    assert html.count("data-as-of") == len(OOB.findall(html))  # no fragment holds another dated one
    assert html.count('id="totals-area-') == 2 and 'id="totals"' not in html  # the rows, not the panel


def test_the_page_itself_is_not_dated(client, world):
    """The page is read before any answer to it is computed: every answer may replace its figures."""
    client.force_login(world.users["focal"])
    page = client.get(reverse("assessment:page", args=[world.period.code, world.agency.code]))
    assert "data-as-of" not in page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_reads_in_one_snapshot_do_not_see_a_commit_made_meanwhile():
    world = self_assessment_world()
    item = world.item("1.1")

    def another_request_saves():
        AssessmentItem.objects.filter(pk=item.pk).update(version=item.version + 1)
        connection.close()

    def read_twice(reads_at_one_moment):
        with reads_at_one_moment():
            before = AssessmentItem.objects.get(pk=item.pk).version
            meanwhile = threading.Thread(target=another_request_saves)
            meanwhile.start()
            meanwhile.join()
            return before, AssessmentItem.objects.get(pk=item.pk).version

    before, after = read_twice(transaction.atomic)  # READ COMMITTED: each statement its own moment
    assert after == before + 1
    before, after = read_twice(one_snapshot)
    assert after == before
    assert not connection.in_atomic_block


@pytest.mark.django_db(transaction=True)
def test_the_progress_dates_its_figures_even_when_a_save_commits_while_it_reads(client, monkeypatch):
    """A save committing between the progress' read of the figures and its read of their count: the
    answer is dated as its figures (before that save), not after (one_snapshot)."""
    world = self_assessment_world()
    client.force_login(world.users["focal"])
    post_item(client, world, "1.1", points="1")
    before, other = as_of(world), world.item("1.2").pk
    rows_read = selectors.self_assessment_rows

    def rows_then_a_save_commits(**kwargs):
        answer = rows_read(**kwargs)
        meanwhile = threading.Thread(target=_save_elsewhere, args=[other])
        meanwhile.start()
        meanwhile.join()
        return answer

    monkeypatch.setattr(selectors, "self_assessment_rows", rows_then_a_save_commits)
    url = reverse("assessment:progress", args=[world.period.code, world.agency.code])
    html = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert as_of(world) == before + 1  # the save committed
    assert dates(html) == {str(before)}


def _save_elsewhere(item_id):
    AssessmentItem.objects.filter(pk=item_id).update(version=F("version") + 1)
    connection.close()


@pytest.fixture
def world_with_large_ids(db):
    """The self-assessment world with ids above 1,000, as in any province after a year or two."""
    with connection.cursor() as cursor:
        for model in (AssessmentItem, CriteriaNode):
            table = model._meta.db_table
            cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), 71035)", [table])
    return self_assessment_world()


def test_ids_versions_and_dates_are_plain_digits_whatever_the_number_format(
    client, world_with_large_ids, settings
):
    """With digit grouping on (1.234 in Vietnamese) an id or a version would not read back as a number and a
    date would compare wrong on the page: all are written as plain digits, on the page and in every answer
    (saved, refused, conflict, the leaf taken again, the progress)."""
    world = world_with_large_ids
    settings.USE_THOUSAND_SEPARATOR, settings.NUMBER_GROUPING = True, 3
    AssessmentItem.objects.filter(agency=world.agency).update(version=1234)
    client.force_login(world.users["focal"])
    item = world.item("1.1")
    assert item.pk > 71000 and item.node_id > 71000
    args = [world.period.code, world.agency.code]
    answers = {
        "page": client.get(reverse("assessment:page", args=args)).content.decode(),
        "saved": post_item(client, world, "1.1", points="1").content.decode(),
        "refused": post_item(client, world, "1.1", points="3").content.decode(),
        "conflict": post_item(client, world, "1.1", version=1, points="2").content.decode(),
        "row": client.get(reverse("assessment:item_row", args=[*args, item.pk])).content.decode(),
        "progress": client.get(
            reverse("assessment:progress", args=args), HTTP_HX_REQUEST="true"
        ).content.decode(),
    }
    assert f'name="version" value="1234" id="version-{item.pk}"' in answers["page"]
    assert f'name="version" value="1235" id="version-{item.pk}"' in answers["saved"]
    assert f'name="version" value="1235" id="version-{item.pk}"' in answers["row"]
    assert 'data-version="1235"' in answers["conflict"]
    assert as_of(world) > 1000 and dates(answers["saved"]) == {str(as_of(world))}
    assert dates(answers["progress"]) == {str(as_of(world))}
    for name, html in answers.items():
        grouped = re.findall(r'(?:id|for|data-[a-z-]+|value)="[a-z-]*\d{1,3}\.\d{3}"', html)
        assert not grouped, (name, grouped[:3])
