"""POST a criteria set's document (api.writes.CriteriaSetImport) through the service the import_criteria
command uses (scoring.services.criteria_set_import): the policy (Home Affairs, draft periods only), 400 with
the document's problems, 409 when the period's state or its existing set forbids it, the set's history."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from agencies.models import Period, PeriodState
from api.models import TokenScope
from api.services import api_token_issue
from scoring.formats import criteria_set_to_document, validate_document
from scoring.models import CriteriaNode, CriteriaSet
from scoring.services import CRITERIA_EXISTS, criteria_document_digest, criteria_set_import
from tests.documents import small_document
from tests.factories import AgencyFactory, BlockFactory, PeriodFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def place():
    return PeriodFactory(year=2030), BlockFactory(code="so-nganh")


@pytest.fixture
def home_affairs():
    return UserFactory(username="noivu-tc", role="home_affairs")


def url(period, block, replace=False) -> str:
    return reverse("api-v1:criteria-set-import", args=[period.code, block.code]) + (
        "?replace=true" if replace else ""
    )


def session(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client, period, block, document, replace=False):
    return client.post(url(period, block, replace), json.dumps(document), content_type="application/json")


def test_only_a_home_affairs_session_imports(place, home_affairs):
    period, block = place
    _token, published = api_token_issue(
        name="Hệ thống A", scope=TokenScope.PUBLISHED, rate_per_minute=1000, acting_user=home_affairs
    )
    _token, read_all = api_token_issue(
        name="Hệ thống B", scope=TokenScope.READ_ALL, rate_per_minute=1000, acting_user=home_affairs
    )
    agency = AgencyFactory(block=block)
    refused = {
        "anonymous": (Client(), 401),
        "published_token": (Client(HTTP_AUTHORIZATION=f"Bearer {published}"), 403),
        "read_all_token": (Client(HTTP_AUTHORIZATION=f"Bearer {read_all}"), 403),
        "focal_point": (session(UserFactory(username="dm", role="focal_point", agency=agency)), 403),
        "agency_head": (session(UserFactory(username="td", role="agency_head", agency=agency)), 403),
        "secretariat": (session(UserFactory(username="tk", role="secretariat_lead")), 403),
        "appraiser": (session(UserFactory(username="td2", role="appraiser")), 403),
        "council": (session(UserFactory(username="hd", role="council")), 403),
        "survey_operator": (session(UserFactory(username="ks", role="survey_operator")), 403),
    }
    for who, (client, code) in refused.items():
        assert post(client, period, block, small_document()).status_code == code, who
    assert not CriteriaSet.objects.exists()
    response = post(session(home_affairs), period, block, small_document())
    assert response.status_code == 201, response.content
    assert response.json() == {
        "period": "2030", "block": "so-nganh", "name": "Bộ nhỏ", "tie_rule": "shared", "frozen_at": None,
        "url": reverse("api-v1:criteria-set", args=["2030", "so-nganh"]),
    }  # fmt: skip
    stored = CriteriaSet.objects.get()
    assert stored.nodes.count() == 8
    assert criteria_set_to_document(stored)["nodes"] == reverse_round_trip(period, block)


def reverse_round_trip(period, block) -> list:
    """The nodes the command stores from the same document, in another period (the same service)."""
    other = PeriodFactory(year=2031)
    criteria_set_import(small_document(), period=other, block=block, acting_user=None, via="command")
    return criteria_set_to_document(CriteriaSet.objects.get(period=other))["nodes"]


def test_the_import_is_audited_with_who_how_and_which_document(place, home_affairs):
    period, block = place
    client = session(home_affairs)
    document = small_document()
    assert post(client, period, block, document).status_code == 201
    first = CriteriaSet.objects.get()
    (created,) = CriteriaSet.history.all()
    assert (created.history_type, created.history_user, created.id) == ("+", home_affairs, first.pk)
    assert (
        created.history_change_reason == f"criteria import (api): sha256 {criteria_document_digest(document)}"
    )
    document["name"] = "Bộ nhỏ (sửa)"
    replaced = post(client, period, block, document, replace=True)
    assert replaced.status_code == 200 and replaced.json()["name"] == "Bộ nhỏ (sửa)"
    entries = list(
        CriteriaSet.history.order_by("history_id").values_list("history_type", "history_user", "name")
    )
    assert entries == [
        ("+", home_affairs.pk, "Bộ nhỏ"),
        ("-", home_affairs.pk, "Bộ nhỏ"),
        ("+", home_affairs.pk, "Bộ nhỏ (sửa)"),
    ]


def test_a_bad_document_is_400_with_every_problem_and_stores_nothing(place, home_affairs):
    period, block = place
    client = session(home_affairs)
    document = small_document()
    document["nodes"][0]["children"][1]["code"] = "1.1"
    document["tie_rule"] = "coin"
    response = post(client, period, block, document)
    assert response.status_code == 400
    body = response.json()
    with translation.override("vi"):  # the request is read in the site's language
        expected = [
            {"row": None, "column": p.where.render(gettext), "message": p.message.render(gettext)}
            for p in validate_document(document)
        ]
    assert len(expected) == 2 and body["problems"] == expected
    for nonsense in ([1, 2], "chuỗi", 7):
        refused = post(client, period, block, nonsense)
        assert refused.status_code == 400 and refused.json()["problems"], nonsense
    broken = client.post(url(period, block), "{không phải json", content_type="application/json")
    assert broken.status_code == 400 and broken.json()["problems"]
    assert not CriteriaSet.objects.exists() and not CriteriaNode.objects.exists()
    assert not CriteriaSet.history.exists()


@pytest.mark.parametrize("state", [s for s in PeriodState if s != PeriodState.DRAFT])
def test_once_the_period_leaves_draft_nothing_is_imported_or_replaced_409(place, home_affairs, state):
    period, block = place
    Period.objects.filter(pk=period.pk).update(state=state)
    response = post(session(home_affairs), period, block, small_document())
    assert response.status_code == 409
    assert response.json()["problems"][0]["message"] == response.json()["detail"]
    assert not CriteriaSet.objects.exists()


def test_draft_is_the_boundary_an_existing_set_needs_replace_and_unknown_codes_are_404(place, home_affairs):
    period, block = place
    client = session(home_affairs)
    assert post(client, period, block, small_document()).status_code == 201
    again = post(client, period, block, small_document())
    assert again.status_code == 409
    with translation.override("vi"):
        assert again.json()["detail"] == str(CRITERIA_EXISTS) % {
            "period": period.code,
            "block": block.code,
        }
    assert post(client, period, block, small_document(), replace=True).status_code == 200
    assert (
        client.post(
            reverse("api-v1:criteria-set-import", args=["1999", block.code]),
            "{}",
            content_type="application/json",
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("api-v1:criteria-set-import", args=[period.code, "khong-co"]),
            "{}",
            content_type="application/json",
        ).status_code
        == 404
    )
    Period.objects.filter(pk=period.pk).update(state=PeriodState.SELF_ASSESSMENT)
    assert post(client, period, block, small_document(), replace=True).status_code == 409
    assert CriteriaSet.history.count() == 3  # +, then - and + of the replacement; nothing after the draft


def test_the_command_imports_through_the_same_service_and_is_held_to_the_state(place, tmp_path):
    period, block = place
    path = tmp_path / "bo.json"
    document = small_document()
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    call_command("import_criteria", str(path), period=period.code, block=block.code)
    (entry,) = CriteriaSet.history.all()
    assert entry.history_user is None  # the operator at the server
    assert (
        entry.history_change_reason
        == f"criteria import (command): sha256 {criteria_document_digest(document)}"
    )
    with pytest.raises(CommandError, match="already has a criteria set"):
        call_command("import_criteria", str(path), period=period.code, block=block.code)
    Period.objects.filter(pk=period.pk).update(state=PeriodState.SELF_ASSESSMENT)
    with pytest.raises(CommandError, match="cannot be changed while the period"):
        call_command("import_criteria", str(path), period=period.code, block=block.code, replace=True)
    assert CriteriaSet.history.count() == 1


@pytest.mark.parametrize(
    "state", [PeriodState.SELF_ASSESSMENT, PeriodState.APPRAISAL, PeriodState.APPROVED, PeriodState.PUBLISHED]
)
def test_the_copy_command_is_held_to_the_target_periods_state_like_the_import(place, state):
    """`copy_criteria` writes a set as `import_criteria` does: only into a draft, audited as the command.
    A block without a set in the target period was the gap (nothing to replace, so nothing refused)."""
    period, block = place
    source = criteria_set_import(small_document(), period=period, block=block, acting_user=None)
    target = PeriodFactory(year=2031, state=state)
    with pytest.raises(CommandError, match="refused: "):
        call_command("copy_criteria", from_period=period.code, to_period=target.code)
    assert not CriteriaSet.objects.filter(period=target).exists()
    Period.objects.filter(pk=target.pk).update(state=PeriodState.DRAFT)
    call_command("copy_criteria", from_period=period.code, to_period=target.code)
    copied = CriteriaSet.objects.get(period=target)
    assert copied.copied_from == source
    entry = copied.history.get()
    assert entry.history_user is None and entry.copied_from_id == source.pk
    assert entry.history_change_reason.startswith("criteria import (copy): sha256 ")


def test_the_document_may_come_as_a_json_file_and_a_form_without_one_is_400(place, home_affairs):
    period, block = place
    client = session(home_affairs)
    without = client.post(url(period, block), {"item": 1})
    assert without.status_code == 400 and without.json()["problems"][0]["column"] == "file"
    garbage = client.post(url(period, block), {"file": SimpleUploadedFile("bo.json", b"\xff{not json")})
    assert garbage.status_code == 400 and garbage.json()["problems"][0]["column"] == "file"
    assert not CriteriaSet.objects.exists()
    content = json.dumps(small_document(), ensure_ascii=False).encode("utf-8")
    uploaded = client.post(url(period, block), {"file": SimpleUploadedFile("bo.json", content)})
    assert uploaded.status_code == 201, uploaded.json()
    assert CriteriaSet.objects.get().nodes.count() == 8


def test_outside_a_draft_a_form_is_refused_409_before_its_body_is_read(place, home_affairs):
    period, block = place
    Period.objects.filter(pk=period.pk).update(state=PeriodState.COUNCIL)
    assert session(home_affairs).post(url(period, block), {"item": 1}).status_code == 409
