"""Duplicates across agencies, document days outside the year, the inbox's "not signed" filter and the
full-text search, each scoped by the one policy."""

import datetime
from types import SimpleNamespace

import pytest
import weasyprint
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from agencies.models import Period, PeriodState
from assessment import appraisal
from assessment.services import assessment_submit, item_self_score
from evidence.models import EvidenceCheck
from evidence.search import evidence_search, fold
from evidence.services import evidence_attach
from sample.pki import make_root, make_signer, sign_pdf
from tests.factories import UserFactory
from tests.worlds import self_assessment_world

from .factories import pdf_bytes, upload

PHRASE = "Kế hoạch cải cách hành chính năm 2026 của Sở A về đường thủy nội địa"
SELF = {
    "1.1": {"points": "2"},
    "1.2": {"level": "dung_han"},
    "1.3": {"value": "0"},
    "2.1": {"value": "95"},
    "2.2": {"value": "80"},
}


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _client(client, user):
    client.cookies["django_language"] = "en"
    client.force_login(user)
    return client


@pytest.fixture
def w(db, django_capture_on_commit_callbacks):
    """Sở A and Sở B (year 2026); the same PDF uploaded by both for criterion 1.1; an appraiser assigned
    to Sở A only, another unassigned; every check run."""
    w = self_assessment_world()
    w.users["appraiser_b"] = UserFactory(username="appraiser-b", role="appraiser")
    shared = pdf_bytes("Bien ban hop")
    with django_capture_on_commit_callbacks(execute=True):
        w.shared_a = evidence_attach(
            item=w.item("1.1"),
            uploaded_file=upload(shared, "bien-ban.pdf"),
            acting_user=w.users["focal"],
            document_date=datetime.date(2025, 6, 1),
        )
        w.shared_b = evidence_attach(
            item=w.item("1.1", w.other),
            uploaded_file=upload(shared, "bien-ban-b.pdf"),
            acting_user=w.users["other_focal"],
        )
        w.plan = evidence_attach(
            item=w.item("1.2"),
            uploaded_file=upload(weasyprint.HTML(string=f"<p>{PHRASE}</p>").write_pdf(), "ke-hoach.pdf"),
            acting_user=w.users["focal"],
            document_date=datetime.date(2026, 1, 5),
        )
    appraisal.assignments_replace(
        period=w.period,
        cells={(w.agency.pk, ""): w.users["appraiser"].pk, (w.other.pk, ""): w.users["appraiser_b"].pk},
        acting_user=w.users["lead"],
    )
    w.users["unassigned"] = UserFactory(username="appraiser-x", role="appraiser")
    return w


def _files_page(client, user, item) -> str:
    response = _client(client, user).get(reverse("evidence:item_files", args=[item.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_file_also_uploaded_by_another_agency_is_flagged_naming_it_only_to_who_may_see_it(client, w):
    item = w.item("1.1")
    lead_page = _files_page(client, w.users["lead"], item)
    assert 'data-flag="duplicate"' in lead_page and "Also uploaded by Sở B" in lead_page
    # Sở A's appraiser is not assigned Sở B: told of a duplicate, not whose.
    appraiser_page = _files_page(client, w.users["appraiser"], item)
    assert "Also uploaded by another agency" in appraiser_page
    assert "Sở B" not in appraiser_page
    # The agency itself is not told what other agencies uploaded.
    assert 'data-flag="duplicate"' not in _files_page(client, w.users["focal"], item)
    # A file of its own bytes only is not flagged.
    assert 'data-flag="duplicate"' not in _files_page(client, w.users["lead"], w.item("1.2"))


def test_a_document_day_outside_the_assessed_year_is_flagged(client, w):
    page = _files_page(client, w.users["lead"], w.item("1.1"))
    assert 'data-flag="date"' in page and "Dated 01/06/2025, outside the year assessed" in page
    assert 'data-flag="date"' not in _files_page(client, w.users["lead"], w.item("1.2"))


def test_the_signing_day_counts_when_no_date_was_entered(client, w, django_capture_on_commit_callbacks):
    now = datetime.datetime.now(datetime.UTC)
    root = make_root(
        valid_from=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC),
        valid_to=now + datetime.timedelta(days=99),
    )
    signer = make_signer(
        root,
        "Lê C",
        "Sở A",
        valid_from=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC),
        valid_to=now + datetime.timedelta(days=9),
    )
    signed_at = datetime.datetime(2024, 12, 31, 18, 0, tzinfo=datetime.UTC)  # 01/01/2025 01:00 in Hà Nội
    with django_capture_on_commit_callbacks(execute=True):
        evidence_attach(
            item=w.item("1.3"),
            uploaded_file=upload(sign_pdf(pdf_bytes("ky"), signer, root, signed_at=signed_at)),
            acting_user=w.users["focal"],
        )
    page = _files_page(client, w.users["lead"], w.item("1.3"))
    assert "Signed 01/01/2025, outside the year assessed" in page
    assert "Lê C" in page and "Signed, signer not verified" in page


def test_the_files_partial_reads_flags_in_a_fixed_number_of_queries(
    client, w, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    item = w.item("1.1")
    _files_page(client, w.users["lead"], item)
    with CaptureQueriesContext(connection) as one_file:
        _files_page(client, w.users["lead"], item)
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(6):
            evidence_attach(
                item=item, uploaded_file=upload(pdf_bytes(f"them {n}")), acting_user=w.users["focal"]
            )
    with django_assert_max_num_queries(len(one_file)):
        page = _files_page(client, w.users["lead"], item)
    assert page.count('data-check="unsigned"') == 7


def test_the_inbox_filters_items_whose_evidence_is_not_signed(client, w):
    for code, data in SELF.items():
        item = w.item(code)
        item_self_score(item=item, acting_user=w.users["focal"], expected_version=item.version, data=data)
    assessment_submit(period=w.period, agency=w.agency, acting_user=w.users["focal"], explanation="Không có")
    Period.objects.filter(pk=w.period.pk).update(state=PeriodState.APPRAISAL)
    url = reverse("appraisal:inbox", args=[w.period.code])
    page = _client(client, w.users["appraiser"]).get(url + "?evidence=unsigned").content.decode()
    codes = {w.item(code).pk for code in ("1.1", "1.2", "1.3", "2.1")}
    shown = {pk for pk in codes if reverse("appraisal:item", args=[w.period.code, pk]) in page}
    assert shown == {w.item("1.1").pk, w.item("1.2").pk}  # 1.3 and 2.1 have no file
    everything = client.get(url).content.decode()
    assert reverse("appraisal:item", args=[w.period.code, w.item("1.3").pk]) in everything
    # The appraisal item shows the badges too.
    item_page = client.get(reverse("appraisal:item", args=[w.period.code, w.item("1.1").pk])).content.decode()
    assert 'data-check="unsigned"' in item_page and "Also uploaded by another agency" in item_page


def test_fold_keeps_offsets_and_drops_vietnamese_accents():
    assert fold("Đường thủy NỘI ĐỊA") == "duong thuy noi dia"
    assert len(fold(PHRASE)) == len(PHRASE)


def test_the_text_of_a_pdf_is_extracted_by_the_check(w):
    assert "cải cách hành chính" in EvidenceCheck.objects.get(evidence=w.plan).text


@pytest.mark.parametrize("query", ["ke hoach cai cach", "KẾ HOẠCH cải cách", '"duong thuy noi dia"'])
def test_search_finds_a_phrase_inside_a_pdf_accents_optional(client, w, query):
    hits = evidence_search(user=w.users["home_affairs"], query=query)
    assert [hit.evidence for hit in hits] == [w.plan]
    assert "<mark>" in hits[0].snippet
    assert [link.item.node.code for link in hits[0].links] == ["1.2"]


def test_search_finds_the_phrase_only_for_users_who_may_see_the_file(client, w):
    query = "đường thủy nội địa"
    assert [h.evidence for h in evidence_search(user=w.users["appraiser"], query=query)] == [w.plan]
    assert evidence_search(user=w.users["appraiser_b"], query=query) == []
    assert evidence_search(user=w.users["unassigned"], query=query) == []
    assert evidence_search(user=w.users["other_focal"], query=query) == []
    page = (
        _client(client, w.users["appraiser"]).get(reverse("evidence:search"), {"q": query}).content.decode()
    )
    assert "ke-hoach.pdf" in page and "Criterion 1.2" in page and "<mark>đường thủy nội địa</mark>" in page
    other = (
        _client(client, w.users["appraiser_b"]).get(reverse("evidence:search"), {"q": query}).content.decode()
    )
    assert "ke-hoach.pdf" not in other and 'data-hits="0"' in other


def test_the_search_page_is_not_found_for_agencies(client, w):
    response = _client(client, w.users["focal"]).get(reverse("evidence:search"), {"q": "ke hoach"})
    assert response.status_code == 404


def _last_years_appraiser(w):
    """2025: the same block's set, Sở A's items, its 2025 file (shared_a, reused in 2026) linked to 1.1,
    and an appraiser assigned to Sở A in 2025 only. Returns (period, the 2025 item, the appraiser)."""
    from assessment.models import AppraisalAssignment, AssessmentItem
    from assessment.services import items_ensure
    from evidence.models import EvidenceLink
    from scoring.formats import criteria_set_from_document
    from tests.documents import small_document
    from tests.factories import PeriodFactory

    earlier = PeriodFactory(year=2025, state=PeriodState.PUBLISHED)
    criteria_set_from_document(period=earlier, block=w.agency.block, document=small_document())
    items_ensure(period=earlier, agency=w.agency)
    old_item = AssessmentItem.objects.get(
        agency=w.agency, node__code="1.1", node__criteria_set__period=earlier
    )
    EvidenceLink.objects.create(item=old_item, evidence=w.shared_a)
    last_year = UserFactory(username="appraiser-2025", role="appraiser")
    AppraisalAssignment.objects.create(period=earlier, agency=w.agency, appraiser=last_year)
    return earlier, old_item, last_year


def test_an_appraiser_of_another_period_finds_only_what_that_period_showed_them(client, w):
    """Assigned to Sở A in 2025 only: the 2025 file is found, with its 2025 criterion and not the 2026
    one it was reused for; the 2026 plan is not found, nor is its criterion named."""
    earlier, old_item, last_year = _last_years_appraiser(w)
    assert evidence_search(user=last_year, query="đường thủy nội địa") == []
    hits = evidence_search(user=last_year, query="bien ban hop")
    assert [hit.evidence for hit in hits] == [w.shared_a]
    assert [link.item.pk for link in hits[0].links] == [old_item.pk]
    # The flags are judged in the period the appraiser sees the file in: dated 2025, inside 2025.
    assert hits[0].evidence.flags_period == earlier and not hits[0].evidence.flags.outside_year
    page = _client(client, last_year).get(reverse("evidence:search"), {"q": "đường thủy nội địa"})
    assert page.status_code == 200 and 'data-hits="0"' in page.content.decode()


def test_the_api_tells_an_appraiser_of_another_period_only_of_that_periods_items(client, w):
    """The same file read through the API: its 2025 item only, flags judged for 2025 (the 2026 item it
    was reused for, and Sở B's 2026 copy, are not told); Home Affairs is told of both items."""
    this_year = w.item("1.1").pk
    earlier, old_item, last_year = _last_years_appraiser(w)
    url = reverse("evidence-api:file-detail", args=[w.shared_a.pk])
    row = _client(client, last_year).get(url).json()
    assert row["items"] == [old_item.pk]
    assert row["flags"]["period"] == earlier.code and row["flags"]["duplicated"] is False
    assert _client(client, w.users["appraiser_b"]).get(url).status_code == 404
    staff = _client(client, w.users["home_affairs"]).get(url).json()
    assert sorted(staff["items"]) == sorted([old_item.pk, this_year])
    assert staff["flags"]["period"] == w.period.code and staff["flags"]["duplicate_agencies"] == ["Sở B"]


def test_search_results_carry_the_badges_of_the_pages(client, w):
    """Each hit shows its signature badge and the duplicate and date flags, the other agency named only
    to who may see it."""
    lead = _client(client, w.users["lead"]).get(reverse("evidence:search"), {"q": "bien ban hop"})
    page = lead.content.decode()
    assert 'data-hits="2"' in page and page.count('data-check="unsigned"') == 2
    assert "Also uploaded by Sở B" in page and "Also uploaded by Sở A" in page
    assert "Dated 01/06/2025, outside the year assessed" in page
    mine = _client(client, w.users["appraiser"]).get(reverse("evidence:search"), {"q": "bien ban hop"})
    page = mine.content.decode()
    assert 'data-hits="1"' in page and "Also uploaded by another agency" in page and "Sở B" not in page


def test_the_contains_fallback_of_sqlite_finds_words_in_any_order_accents_optional(w, monkeypatch):
    """The demo's SQLite path (every word in the accent-free text), run here on any database."""
    monkeypatch.setattr("evidence.search.connection", SimpleNamespace(vendor="sqlite"))
    hits = evidence_search(user=w.users["home_affairs"], query="NOI DIA đường")
    assert [hit.evidence for hit in hits] == [w.plan]
    assert "<mark>" in hits[0].snippet and [link.item.node.code for link in hits[0].links] == ["1.2"]
    assert evidence_search(user=w.users["home_affairs"], query="đường sắt") == []
    assert evidence_search(user=w.users["appraiser_b"], query="noi dia") == []


def test_the_text_of_a_word_file_is_searched_too(w, django_capture_on_commit_callbacks):
    from .factories import docx_bytes

    with django_capture_on_commit_callbacks(execute=True):
        report = evidence_attach(
            item=w.item("1.3"),
            uploaded_file=upload(docx_bytes("Báo cáo kiểm soát thủ tục hành chính quý III"), "bao-cao.docx"),
            acting_user=w.users["focal"],
        )
    hits = evidence_search(user=w.users["home_affairs"], query="kiem soat thu tuc")
    assert [hit.evidence for hit in hits] == [report]


@pytest.mark.parametrize(
    ("entered", "signed_at", "outside"),
    [
        (datetime.date(2026, 1, 1), None, False),
        (datetime.date(2026, 12, 31), None, False),
        (datetime.date(2025, 12, 31), None, True),
        (datetime.date(2027, 1, 1), None, True),
        # Signed 31/12/2025 17:30 UTC: 01/01/2026 00:30 in Hà Nội, inside the year.
        (None, datetime.datetime(2025, 12, 31, 17, 30, tzinfo=datetime.UTC), False),
        # Signed 31/12/2026 17:30 UTC: 01/01/2027 00:30 in Hà Nội, outside.
        (None, datetime.datetime(2026, 12, 31, 17, 30, tzinfo=datetime.UTC), True),
        # An entered date wins over the signing day.
        (datetime.date(2026, 3, 1), datetime.datetime(2024, 5, 1, tzinfo=datetime.UTC), False),
    ],
)
def test_the_assessed_year_is_judged_on_the_local_day(w, entered, signed_at, outside):
    from evidence.models import EvidenceFile
    from evidence.selectors import evidence_flags

    EvidenceFile.objects.filter(pk=w.plan.pk).update(document_date=entered)
    EvidenceCheck.objects.filter(evidence=w.plan).update(signed_at=signed_at)
    evidence = EvidenceFile.objects.select_related("check_result").get(pk=w.plan.pk)
    evidence_flags(user=w.users["lead"], period=w.period, files=[evidence])
    assert evidence.flags.outside_year is outside


@pytest.mark.parametrize(
    ("state", "listed"),
    [("expired", True), ("invalid", True), ("unreadable", True), ("unverified", False), ("verified", False)],
)
def test_the_not_signed_filter_counts_a_certificate_not_valid_when_signed(client, w, state, listed):
    """Expired at the signing time is no valid signature; a signer not verified still signed."""
    for code, data in SELF.items():
        item = w.item(code)
        item_self_score(item=item, acting_user=w.users["focal"], expected_version=item.version, data=data)
    item = w.item("1.3")
    evidence = evidence_attach(
        item=item, uploaded_file=upload(pdf_bytes("chu ky")), acting_user=w.users["focal"]
    )
    EvidenceCheck.objects.filter(evidence=evidence).update(status="done", signature=state)
    assessment_submit(period=w.period, agency=w.agency, acting_user=w.users["focal"], explanation="Không có")
    Period.objects.filter(pk=w.period.pk).update(state=PeriodState.APPRAISAL)
    url = reverse("appraisal:inbox", args=[w.period.code]) + "?evidence=unsigned"
    page = _client(client, w.users["appraiser"]).get(url).content.decode()
    assert (reverse("appraisal:item", args=[w.period.code, item.pk]) in page) is listed
    assert reverse("appraisal:item", args=[w.period.code, w.item("1.1").pk]) in page  # the control


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the index is PostgreSQL's")
def test_postgresql_searches_the_stored_gin_indexed_vector_the_check_fills(w):
    """The check job stores the text's accent-free vector; the search reads it (through the GIN index),
    never parsing every file's text per query: a file whose vector is gone is not found."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'evidence_check_search'")
        (definition,) = cursor.fetchone()
    assert "USING gin (search_vector)" in definition
    assert [hit.evidence for hit in evidence_search(user=w.users["home_affairs"], query="noi dia")] == [
        w.plan
    ]
    EvidenceCheck.objects.filter(evidence=w.plan).update(search_vector=None)
    assert evidence_search(user=w.users["home_affairs"], query="noi dia") == []
