"""The sample province, computed from its inputs, reproduces Hải Dương's published 2022 facts (seeds 000, 002);
its survey values are aggregated from stored questionnaires, as many as seed 002 counts."""

import re
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext

from agencies.models import Period, PeriodState
from sample.loader import load_sample
from scoring.exports import results_rows
from scoring.selectors import latest_snapshot
from surveys.models import Answer, Response, SurveyValue
from surveys.services import survey_values_refresh

pytestmark = pytest.mark.django_db  # the module fixture loads the sample; this marks the database as needed

DEPARTMENTS = [
    "Sở Giao thông vận tải", "Sở Nội vụ", "Sở Khoa học và Công nghệ", "Văn phòng UBND tỉnh",
    "Sở Nông nghiệp và Phát triển nông thôn", "Sở Thông tin và Truyền thông", "Sở Công Thương", "Sở Xây dựng",
    "Sở Giáo dục và Đào tạo", "Sở Văn hóa, Thể thao và Du lịch", "Thanh tra tỉnh", "Sở Tài chính",
    "Sở Lao động - Thương binh và Xã hội", "Sở Tài nguyên và Môi trường", "Sở Kế hoạch và Đầu tư", "Sở Tư pháp",
    "Ban Quản lý các khu công nghiệp tỉnh", "Sở Y tế",
]  # fmt: skip
DISTRICTS = [
    "UBND huyện Nam Sách", "UBND huyện Kim Thành", "UBND thành phố Chí Linh", "UBND thị xã Kinh Môn",
    "UBND huyện Gia Lộc", "UBND huyện Thanh Miện", "UBND huyện Cẩm Giàng", "UBND thành phố Hải Dương",
    "UBND huyện Ninh Giang", "UBND huyện Bình Giang", "UBND huyện Tứ Kỳ", "UBND huyện Thanh Hà",
]  # fmt: skip


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """Loads and computes the sample once, keeps the exported rows and survey figures, and rolls back."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_sample()
        periods = {year: Period.objects.get(code=str(year)) for year in (2021, 2022)}
        exported = {year: results_rows(latest_snapshot(period)) for year, period in periods.items()}
        values = {
            year: sorted(
                SurveyValue.objects.filter(node__criteria_set__period=period).values_list(
                    "agency__code", "node__code", "value", "source"
                )
            )
            for year, period in periods.items()
        }
        # Aggregating again from the stored responses gives the same values (approval freezes them, so
        # the refresh runs as it did before approval, and is refused as it is).
        for period in periods.values():
            frozen = gettext("The results of %(period)s are approved: its inputs can no longer change.")
            with pytest.raises(ValidationError, match=re.escape(frozen % {"period": period.name})):
                survey_values_refresh(period=period)
            state = period.state
            Period.objects.filter(pk=period.pk).update(state=PeriodState.COUNCIL)
            period.refresh_from_db()
            survey_values_refresh(period=period)
            Period.objects.filter(pk=period.pk).update(state=state)
            period.refresh_from_db()
        again = {
            year: sorted(
                SurveyValue.objects.filter(node__criteria_set__period=period).values_list(
                    "agency__code", "node__code", "value", "source"
                )
            )
            for year, period in periods.items()
        }
        responses = {
            (row["questionnaire__period__code"], row["questionnaire__block__code"], row["group__code"]): row[
                "count"
            ]
            for row in Response.objects.values(
                "questionnaire__period__code", "questionnaire__block__code", "group__code"
            )
            .annotate(count=Count("id"))
            .order_by()
        }
        sources = Counter(Response.objects.values_list("source", flat=True))
        answers = Answer.objects.filter(response__questionnaire__period__in=periods.values()).count()
        evidence = _evidence_shown(periods[2022])
        transaction.set_rollback(True)
    return {
        "results": exported,
        "values": values,
        "again": again,
        "responses": responses,
        "sources": sources,
        "answers": answers,
        "evidence": evidence,
    }


def _evidence_shown(period) -> dict:
    """The sample's evidence checks, and the appraisal pages of its items as the secretariat lead sees them."""
    from django.test import Client
    from django.urls import reverse

    from accounts.models import User
    from assessment.models import AssessmentItem
    from evidence.models import EvidenceCheck

    checks = sorted(
        EvidenceCheck.objects.values_list(
            "evidence__agency__code", "evidence__original_name", "status", "signature"
        )
    )
    client = Client()
    client.force_login(User.objects.get(username="thuky1"))
    pages = {}
    for agency, code in (("so-gtvt", "1.1.1"), ("so-gtvt", "1.2"), ("so-y-te", "1.2"), ("nam-sach", "1.1.1")):
        item = AssessmentItem.objects.get(
            agency__code=agency, node__code=code, node__criteria_set__period=period
        )
        pages[agency, code] = client.get(
            reverse("appraisal:item", args=[period.code, item.pk])
        ).content.decode()
    return {"checks": checks, "pages": pages, "search": _sample_search(period)}


def _sample_search(period) -> dict:
    """Who finds the phrase of Sở GTVT's plan (also uploaded by Sở Y tế): the agencies whose copy each
    user finds, the appraiser before and after the lead assigns them Sở Y tế; the focal point's page."""
    from django.test import Client
    from django.urls import reverse

    from accounts.models import User
    from agencies.models import Agency
    from assessment.models import AppraisalAssignment
    from evidence.search import evidence_search

    phrase = "đường thủy nội địa"
    users = {name: User.objects.get(username=name) for name in ("noivu", "thuky1", "thuky2", "so-gtvt")}

    def found(name):
        return sorted(hit.evidence.agency.code for hit in evidence_search(user=users[name], query=phrase))

    shown = {"noivu": found("noivu"), "thuky1": found("thuky1"), "thuky2 unassigned": found("thuky2")}
    AppraisalAssignment.objects.create(
        period=period, agency=Agency.objects.get(code="so-y-te"), appraiser=users["thuky2"]
    )
    shown["thuky2 on so-y-te"] = found("thuky2")
    client = Client()
    client.force_login(users["so-gtvt"])
    shown["focal point page"] = client.get(reverse("evidence:search"), {"q": phrase}).status_code
    client.force_login(users["noivu"])
    shown["noivu page"] = client.get(reverse("evidence:search"), {"q": "duong thuy noi dia"}).content.decode()
    return shown


@pytest.fixture(scope="module")
def results(loaded):
    return loaded["results"]


def block(rows, code):
    return [row for row in rows if row["block"] == code]


def by_name(rows):
    return {row["agency_name"]: row for row in rows}


def test_rank_orders(results):
    """Both blocks come out in the published rank order, with distinct ranks 1…n."""
    for code, names in (("so-nganh", DEPARTMENTS), ("ubnd-huyen", DISTRICTS)):
        rows = block(results[2022], code)
        assert [row["agency_name"] for row in rows] == names
        assert [row["rank"] for row in rows] == list(range(1, len(names) + 1))


def test_published_indices(results):
    """The six published indices, to the hundredth."""
    rows = by_name(results[2022])
    published = {
        "Sở Giao thông vận tải": "90.30", "Sở Nội vụ": "90.06", "Sở Khoa học và Công nghệ": "90.04",
        "Sở Y tế": "72.93", "UBND huyện Nam Sách": "90.89", "UBND huyện Thanh Hà": "79.06",
    }  # fmt: skip
    assert {name: rows[name]["index"] for name in published} == published


def test_bands(results):
    """Departments 3 / 14 / 1 and districts 2 / 9 / 1, with the members the report names."""
    departments = block(results[2022], "so-nganh")
    districts = block(results[2022], "ubnd-huyen")
    assert [r["agency_name"] for r in departments if r["band"] == "tu-90"] == DEPARTMENTS[:3]
    assert sum(r["band"] == "80-90" for r in departments) == 14
    assert [r["agency_name"] for r in departments if r["band"] == "duoi-80"] == ["Sở Y tế"]
    assert [r["agency_name"] for r in districts if r["band"] == "tu-90"] == DISTRICTS[:2]
    assert sum(r["band"] == "80-90" for r in districts) == 9
    assert [r["agency_name"] for r in districts if r["band"] == "70-80"] == ["UBND huyện Thanh Hà"]


def test_head_classes(results):
    """3 / 13 / 2 / 0 and 2 / 8 / 2 / 0; the 80–90 agencies with an area under 70% are only 'completed'."""
    for code, expected, completed in (
        ("so-nganh", [3, 13, 2, 0], {"Ban Quản lý các khu công nghiệp tỉnh", "Sở Y tế"}),
        ("ubnd-huyen", [2, 8, 2, 0], {"UBND huyện Tứ Kỳ", "UBND huyện Thanh Hà"}),
    ):
        rows = block(results[2022], code)
        counts = [
            sum(r["head_class"] == c for r in rows)
            for c in ("excellent", "good", "completed", "not_completed")
        ]
        assert counts == expected
        assert {r["agency_name"] for r in rows if r["head_class"] == "completed"} == completed
    cascade = by_name(results[2022])
    for name in ("Ban Quản lý các khu công nghiệp tỉnh", "UBND huyện Tứ Kỳ"):
        assert cascade[name]["band"] == "80-90"
        assert min(float(v) for v in cascade[name]["areas"].values() if v) < 70


def test_rank_changes(results):
    """Every published rank change, computed against the 2021 results."""
    rows = by_name(results[2022])
    published = {
        "Sở Giáo dục và Đào tạo": 7, "Sở Nội vụ": 3, "Sở Xây dựng": 2, "Sở Lao động - Thương binh và Xã hội": 2,
        "Sở Kế hoạch và Đầu tư": -3, "Sở Tài chính": -3, "Sở Thông tin và Truyền thông": -3, "Sở Tư pháp": -2,
        "UBND huyện Kim Thành": 8, "UBND huyện Cẩm Giàng": 2, "UBND huyện Ninh Giang": 3,
        "UBND thành phố Hải Dương": -7, "UBND huyện Tứ Kỳ": -5, "UBND huyện Thanh Hà": -4,
    }  # fmt: skip
    assert {name: rows[name]["rank_change"] for name in published} == published
    assert rows["Sở Giao thông vận tải"]["rank_change"] == 0  # led in 2021 too


def test_review_flags(results):
    """Exactly the agencies seed 002 names must hold a review, for exactly the areas it names."""
    flagged = {r["agency_name"]: r["review_flags"] for r in results[2022] if r["review_flags"]}
    assert flagged == {
        "Sở Y tế": ["3", "7"],
        "Ban Quản lý các khu công nghiệp tỉnh": ["3"],
        "Sở Kế hoạch và Đầu tư": ["3"],
        "Sở Lao động - Thương binh và Xã hội": ["7"],
        "UBND huyện Tứ Kỳ": ["3"],
        "UBND huyện Thanh Hà": ["3", "7"],
    }


def test_2021_facts(results):
    """2021: Sở GTVT led the departments; no district head was excellent; Y tế and BQL KCN were flagged."""
    rows = by_name(results[2021])
    assert block(results[2021], "so-nganh")[0]["agency_name"] == "Sở Giao thông vận tải"
    assert not [r for r in block(results[2021], "ubnd-huyen") if r["head_class"] == "excellent"]
    assert rows["Sở Y tế"]["review_flags"] and rows["Ban Quản lý các khu công nghiệp tỉnh"]["review_flags"]


def test_not_applicable_leaves_lower_the_max(results):
    """Agencies without subordinate units are not scored on inspecting them: their max is 98, not 100."""
    rows = by_name(results[2022])
    assert rows["Văn phòng UBND tỉnh"]["max_points"] == "98.00"
    assert rows["Thanh tra tỉnh"]["max_points"] == "98.00"
    assert rows["Sở Y tế"]["max_points"] == "100.00"


def test_survey_values_are_aggregated_from_stored_responses(loaded):
    """Every survey value of both years comes from the stored answers (none stored directly), and
    aggregating them again changes nothing."""
    for year in (2021, 2022):
        values = loaded["values"][year]
        assert len(values) == 2 * (18 + 12)
        assert {source for *_, source in values} == {"aggregated"}
        assert loaded["again"][year] == values
    assert loaded["answers"] > 0
    assert set(loaded["sources"]) == {"entered", "online"}


def test_as_many_questionnaires_as_seed_002_counts(loaded):
    """Departments: 20 + 4 + 96 organisational forms (each about every department) and 640 citizens' and
    businesses'; districts: 20 + 4 + 72 and 1,620. 2,476 paper forms in all."""
    for year in ("2021", "2022"):
        count = {key[1:]: n for key, n in loaded["responses"].items() if key[0] == year}
        assert count[("so-nganh", "dai-bieu-hdnd")] == 20 * 18
        assert count[("so-nganh", "mttq")] == 4 * 18
        assert count[("so-nganh", "lanh-dao-huyen")] == 96 * 18
        assert count[("so-nganh", "nguoi-dan")] + count[("so-nganh", "doanh-nghiep")] == 640
        assert count[("ubnd-huyen", "dai-bieu-hdnd")] == 20 * 12
        assert count[("ubnd-huyen", "lanh-dao-so")] == 72 * 12
        assert count[("ubnd-huyen", "nguoi-dan")] + count[("ubnd-huyen", "doanh-nghiep")] == 1620


def test_the_sample_evidence_shows_every_badge_on_the_appraisal_pages(loaded):
    """Signed and verified, changed after signing, unsigned (and dated 2021), signed by an authority the
    province does not trust, and one plan uploaded by two departments."""
    assert loaded["evidence"]["checks"] == [
        ("nam-sach", "Ke-hoach-CCHC-2022-Nam-Sach.pdf", "done", "unverified"),
        ("so-gtvt", "Bao-cao-CCHC-quy-IV-So-GTVT.pdf", "done", "altered"),
        ("so-gtvt", "Ke-hoach-CCHC-2022-So-GTVT.pdf", "done", "verified"),
        ("so-y-te", "Bao-cao-CCHC-nam-So-Y-te.pdf", "done", "unsigned"),
        ("so-y-te", "Ke-hoach-CCHC-2022-So-GTVT.pdf", "done", "verified"),
    ]
    pages = loaded["evidence"]["pages"]
    plan = pages["so-gtvt", "1.1.1"]
    assert 'data-check="verified"' in plan and "Nguyễn Văn Hùng" in plan
    assert 'data-signed-at="stamped">09:05 10/01/2022' in plan  # the timestamp authority's time
    assert 'data-flag="duplicate"' in plan and "Sở Y tế" in plan
    assert 'data-check="altered"' in pages["so-gtvt", "1.2"]
    unsigned = pages["so-y-te", "1.2"]
    assert 'data-check="unsigned"' in unsigned and 'data-flag="date"' in unsigned
    assert 'data-check="unverified"' in pages["nam-sach", "1.1.1"]


def test_search_finds_a_phrase_of_a_sample_pdf_only_for_who_may_see_it(loaded):
    """Home Affairs and the lead find both copies of Sở GTVT's plan; an appraiser finds none until
    assigned Sở Y tế, then only its copy; a focal point has no search page."""
    search = loaded["evidence"]["search"]
    assert search["noivu"] == search["thuky1"] == ["so-gtvt", "so-y-te"]
    assert search["thuky2 unassigned"] == []
    assert search["thuky2 on so-y-te"] == ["so-y-te"]
    assert search["focal point page"] == 404
    page = search["noivu page"]
    assert 'data-hits="2"' in page and "Ke-hoach-CCHC-2022-So-GTVT.pdf" in page
    assert "<mark>" in page and 'data-check="verified"' in page
