"""Self-assessment: scoring leaves inside the window, optimistic locking, submission, reopening, audit,
the Home Affairs overview, and who may see or change what."""

import hashlib
import io
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from agencies.models import Agency, Extension
from assessment import selectors, services
from assessment.models import AssessmentItem, ItemStatus, Submission, SubmissionStatus
from evidence.models import EvidenceFile, EvidenceLink

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _english(client, settings):
    """Messages are matched in English here (the app itself answers in Vietnamese unless asked)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def save_url(world, item):
    return reverse("assessment:item_save", args=[world.period.code, world.agency.code, item.pk])


def page_url(world, agency=None):
    return reverse("assessment:page", args=[world.period.code, (agency or world.agency).code])


def post_item(client, world, code, version=None, **fields):
    item = world.item(code)
    data = {"version": item.version if version is None else version, **fields}
    return client.post(save_url(world, item), data, HTTP_HX_REQUEST="true")


def attach(world, code, agency=None):
    agency = agency or world.agency
    item = world.item(code, agency)
    content = PDF + code.encode()
    evidence = EvidenceFile.objects.create(
        agency=agency,
        file=ContentFile(content, name=f"{code}.pdf"),
        original_name=f"{code}.pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content_type="application/pdf",
    )
    EvidenceLink.objects.create(item=item, evidence=evidence)


def score_everything(client, world):
    for code, fields in {
        "1.1": {"points": "1,5"},
        "1.2": {"level": "dung_han"},
        "1.3": {"value": "1"},
        "2.1": {"value": "95"},
        "2.2": {"value": "80"},
    }.items():
        assert "Saved at" in post_item(client, world, code, **fields).content.decode()


def test_a_focal_point_scores_a_leaf_and_sees_the_totals(client, world):
    """A saved leaf is stored as its rule's input, its version moves on, and the totals follow."""
    client.force_login(world.users["focal"])
    response = post_item(client, world, "1.1", points="1,5", note="Đã ban hành kế hoạch")
    html = response.content.decode()
    assert response.status_code == 200 and "Saved at" in html
    item = world.item("1.1")
    assert item.self_input == {"points": "1.5"} and item.self_note == "Đã ban hành kế hoạch"
    assert item.version == 2 and item.status == ItemStatus.SELF_SCORED
    assert 'id="totals-head" hx-swap-oob="true"' in html
    area = item.node.parent
    assert f'id="points-node-{item.node.pk}"' in html and f'id="points-node-{area.pk}"' in html


def _area_rows(html: str) -> dict[str, str]:
    """id → markup of each totals row (`<tr id="totals-area-…">`) in the html."""
    return {row_id: row for row, row_id in re.findall(r'(<tr id="(totals-area-\d+)".*?</tr>)', html, re.S)}


def test_an_autosave_sends_the_totals_head_and_only_its_own_areas_row(client, world):
    """An area's figures are its own leaves' only, so the answer carries the totals' head and the saved
    leaf's area row (out of band), each as the page then shows it; the other areas' rows are not sent."""
    client.force_login(world.users["focal"])
    post_item(client, world, "2.1", value="95")
    html = post_item(client, world, "1.1", points="1,5").content.decode()
    area = world.item("1.1").node.parent
    page = client.get(page_url(world)).content.decode()
    sent, shown = _area_rows(html), _area_rows(page)
    assert list(sent) == [f"totals-area-{area.pk}"] and len(shown) == 2
    assert f'<template><tr id="totals-area-{area.pk}"' in html  # htmx drops a bare <tr> out of band
    assert (
        re.sub(r' hx-swap-oob="true" data-as-of="\d+"', "", sent[f"totals-area-{area.pk}"])
        == shown[f"totals-area-{area.pk}"]
    )
    assert "1.50/6" in sent[f"totals-area-{area.pk}"]  # English: points of the area (its max 6)
    head = re.search(
        r'<div id="totals-head" hx-swap-oob="true" data-as-of="\d+">(.*?)\n</div>', html, re.S
    ).group(1)
    assert head == re.search(r'<div id="totals-head">(.*?)\n</div>', page, re.S).group(1)
    assert 'id="totals"' not in html  # not the whole panel


def test_a_leaf_marked_not_applicable_or_applicable_again_sends_every_area_s_row(client, world):
    """Applicability changes what every area's index rests on (no leaf applying: no index at all), so
    such a save sends the head and every area's row, each out of band on its own (never the panel as a
    whole, which could not keep another answer's newer row); an ordinary save after it sends one row."""
    client.force_login(world.users["focal"])
    html = post_item(client, world, "2.1", not_applicable="on", not_applicable_reason="Không có hồ sơ")
    html = html.content.decode()
    rows = _area_rows(html)
    assert len(rows) == 2 and all(
        f'<template><tr id="{row_id}" hx-swap-oob="true"' in html for row_id in rows
    )
    assert html.count('id="totals-head" hx-swap-oob="true"') == 1 and 'id="totals"' not in html
    html = post_item(client, world, "2.1", value="95").content.decode()  # applicable again
    assert len(_area_rows(html)) == 2
    html = post_item(client, world, "2.1", value="90").content.decode()
    assert len(_area_rows(html)) == 1


def test_after_an_autosave_the_unscored_leaves_are_still_linked(client, world):
    """The completeness an autosave answers with lists the leaves still to score, linked, as the page
    does; it used to answer with only "…" in their place."""
    client.force_login(world.users["focal"])
    page = client.get(page_url(world)).content.decode()
    html = post_item(client, world, "1.1", points="1").content.decode()
    completeness = html[html.index('id="completeness"') :]
    still = services.self_assessment_completeness(period=world.period, agency=world.agency).unscored
    assert still and "1.1" not in still
    for code in still:
        assert f'<a href="#node-{code}">{code}</a>' in completeness, code
        assert f'<a href="#node-{code}">{code}</a>' in page, code
    assert '<a href="#node-1.1">' not in completeness and '<a href="#node-1.1">' in page
    answer = selectors.self_assessment_saved(agency=world.agency, item=world.item("1.1"))
    assert (
        answer.unscored_links
        == services.self_assessment_completeness(period=world.period, agency=world.agency).unscored_links
    )


def test_an_input_the_rule_refuses_is_not_stored(client, world):
    client.force_login(world.users["focal"])
    html = post_item(client, world, "1.1", points="3").content.decode()
    assert "points 3 outside 0…2" in html
    html = post_item(client, world, "1.1", points="0.3").content.decode()
    assert "not a multiple of the step 0.25" in html
    html = post_item(client, world, "1.2", level="gioi").content.decode()
    assert "unknown level" in html
    assert world.item("1.1").self_input is None and world.item("1.1").version == 1


def test_a_refused_input_says_what_to_type_in_the_pages_language(client, world):
    """A refusal reads as the focal point types: the step as 0,25 (not 0.25), and a word typed for a
    number is named in quotes with an example to follow, not as "points phải là một số, không phải 'abc'"
    (the field's internal name and Python's quoting)."""
    client.force_login(world.users["focal"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    with translation.override("vi"):
        html = post_item(client, world, "1.1", points="0,3").content.decode()
        assert "0,25" in html and "0.25" not in html
        html = post_item(client, world, "1.1", points="abc").content.decode()
        assert "“abc” không phải là số; hãy viết như 7,5" in html
        message = re.search(r'id="message-\d+"[^>]*>(.*?)</div>', html, re.S)[1]
        assert "points" not in message and "'abc'" not in message
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = post_item(client, world, "1.1", points="abc").content.decode()
    assert "“abc” is not a number; write it like 7.5" in html
    html = post_item(client, world, "2.1", value="chín mươi").content.decode()
    assert "“chín mươi” is not a number" in html
    assert world.item("1.1").self_input is None and world.item("2.1").self_input is None


def test_not_applicable_needs_a_reason(client, world):
    client.force_login(world.users["focal"])
    html = post_item(client, world, "1.3", not_applicable="on").content.decode()
    assert "Give the reason" in html and world.item("1.3").applicable
    post_item(client, world, "1.3", not_applicable="on", not_applicable_reason="Không có đơn vị trực thuộc")
    item = world.item("1.3")
    assert not item.applicable and item.not_applicable_reason == "Không có đơn vị trực thuộc"


def test_a_second_save_from_a_stale_page_is_told_and_overwrites_nothing(client, world):
    """Two tabs load version 1; the second save is refused with what the first stored."""
    client.force_login(world.users["focal"])
    post_item(client, world, "1.1", version=1, points="2", note="tab một")
    html = post_item(client, world, "1.1", version=1, points="0.5", note="tab hai").content.decode()
    assert "Someone else saved this criterion meanwhile" in html and "tab một" in html
    assert 'data-version="2"' in html  # "save mine" resubmits against the version now stored
    item = world.item("1.1")
    assert item.self_input == {"points": "2"} and item.self_note == "tab một"
    html = post_item(client, world, "1.1", version=2, points="0.5", note="tab hai").content.decode()
    assert "Saved at" in html and world.item("1.1").self_note == "tab hai"


def test_a_conflict_shows_the_other_save_in_words_not_as_stored(client, world):
    """The other person's input reads as on the page: 1,75 with a decimal comma, a level by its label;
    the person by their name."""
    world.users["focal"].first_name = "Trần Văn Bảo"
    world.users["focal"].save()
    client.force_login(world.users["focal"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    post_item(client, world, "1.1", version=1, points="1,75")
    post_item(client, world, "1.2", version=1, level="dung_han")

    def message(html):
        return re.search(r'<div id="message-\d+".*?</div>', html, re.S).group(0)

    points = message(post_item(client, world, "1.1", version=1, points="0,5").content.decode())
    level = message(post_item(client, world, "1.2", version=1, level="khong").content.decode())
    assert "vừa được lưu từ nơi khác" in points and "1,75</strong>." in points and "1.75" not in points
    assert "Trần Văn Bảo đã lưu" in points
    assert "vừa được lưu từ nơi khác" in level and "Đúng hạn" in level and "dung_han" not in level


def test_a_retried_autosave_whose_answer_was_lost_is_answered_as_saved(client, world):
    """The first save was stored but its answer lost; the retry carries the old version and the same
    fields: it is told "saved" with the stored version, and stores no second version or audit row."""
    client.force_login(world.users["focal"])
    first = post_item(client, world, "1.1", version=1, points="1,5", note="Đã ban hành")
    assert "Saved at" in first.content.decode()
    audit = world.item("1.1").history.count()
    html = post_item(client, world, "1.1", version=1, points="1,5", note="Đã ban hành").content.decode()
    assert "Saved at" in html and "Someone else saved" not in html
    item = world.item("1.1")
    assert re.search(rf'name="version" value="2" id="version-{item.pk}"', html)  # the page moves on to 2
    assert item.version == 2 and item.history.count() == audit
    # the same input with another note was not stored by anyone: still a conflict, nothing overwritten
    html = post_item(client, world, "1.1", version=1, points="1,5", note="Khác").content.decode()
    assert "Someone else saved this criterion meanwhile" in html and 'data-version="2"' in html
    item = world.item("1.1")
    assert item.version == 2 and item.self_note == "Đã ban hành" and item.history.count() == audit


def test_a_save_outside_the_window_is_refused_with_its_dates(client, world):
    client.force_login(world.users["focal"])
    world.window.ends_at = timezone.now() - timedelta(minutes=1)
    world.window.save()
    html = post_item(client, world, "1.1", points="1").content.decode()
    assert "Self-assessment is open from" in html and "it is closed now" in html
    assert world.item("1.1").self_input is None
    page = client.get(page_url(world)).content.decode()
    assert "Read only." in page and 'name="points"' in page and "disabled" in page

    Extension.objects.create(
        window=world.window,
        agency=world.agency,
        ends_at=timezone.now() + timedelta(hours=2),
        reason="Sự cố mạng",
    )
    assert "Saved at" in post_item(client, world, "1.1", points="1").content.decode()
    assert "extended" in client.get(page_url(world)).content.decode()


def test_submission_needs_every_leaf_scored_and_explains_missing_evidence(client, world):
    client.force_login(world.users["focal"])
    submit = reverse("assessment:submit", args=[world.period.code, world.agency.code])
    response = client.post(submit, follow=True)
    assert "5 criteria are not scored yet." in response.content.decode()
    score_everything(client, world)
    response = client.post(submit, follow=True)
    html = response.content.decode()
    assert "have no evidence: explain why before submitting" in html and "1.1, 1.2, 1.3" in html
    for code in ("1.1", "1.2"):
        attach(world, code)
    client.post(submit, {"explanation": "Không phát sinh vi phạm nên không có văn bản"})
    submission = Submission.objects.get(agency=world.agency)
    assert submission.status == SubmissionStatus.SUBMITTED
    assert submission.missing_evidence_explanation.startswith("Không phát sinh")
    assert world.item("1.1").status == ItemStatus.SUBMITTED
    assert "is locked" in post_item(client, world, "1.1", points="0").content.decode()
    assert world.item("1.1").self_input == {"points": "1.5"}


def _submit_control(html):
    start = html.index('id="submit-control"')
    return html[start : html.index("</div>", start)]


def test_the_submit_button_waits_until_every_criterion_is_scored(client, world):
    """While criteria are unscored the page lists them and its submit button is disabled with the reason,
    never asking "locked after submitting: submit now?" for a submission the server then refuses; the
    autosave that scores the last criterion enables it (out of band), as the page does on a reload."""
    client.force_login(world.users["focal"])
    control = _submit_control(client.get(page_url(world)).content.decode())
    assert "disabled" in control and "data-confirm" not in control
    assert 'aria-describedby="submit-blocked"' in control
    assert "Score every criterion listed above before submitting." in control
    html = post_item(client, world, "1.1", points="1").content.decode()
    control = _submit_control(html)
    assert 'hx-swap-oob="true"' in control and "disabled" in control and "data-confirm" not in control
    score_everything(client, world)
    html = post_item(client, world, "2.2", value="81").content.decode()
    control = _submit_control(html)
    assert "disabled" not in control and "data-confirm=" in control
    control = _submit_control(client.get(page_url(world)).content.decode())
    assert "disabled" not in control and "data-confirm=" in control


def test_the_head_signs_off_and_home_affairs_reopens_with_a_reason(client, world):
    client.force_login(world.users["focal"])
    score_everything(client, world)
    client.post(
        reverse("assessment:submit", args=[world.period.code, world.agency.code]), {"explanation": "Chưa có"}
    )
    client.force_login(world.users["head"])
    client.post(reverse("assessment:sign_off", args=[world.period.code, world.agency.code]))
    submission = Submission.objects.get(agency=world.agency)
    assert submission.signed_off_by == world.users["head"]

    reopen = reverse("assessment:reopen", args=[world.period.code, world.agency.code])
    client.force_login(world.users["focal"])
    client.post(reopen, {"reason": "tự mở"})
    assert Submission.objects.get(agency=world.agency).locked
    client.force_login(world.users["home_affairs"])
    assert "Give the reason" in client.post(reopen, {"reason": " "}, follow=True).content.decode()
    client.post(reopen, {"reason": "Bổ sung tài liệu tiêu chí 1.3"})
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.REOPENED and submission.reopen_reason.startswith("Bổ sung")
    assert [h.status for h in submission.history.order_by("history_date")][-3:] == [
        "submitted",
        "submitted",
        "reopened",
    ]
    client.force_login(world.users["focal"])
    assert "Saved at" in post_item(client, world, "1.1", points="2").content.decode()


def test_every_change_is_audited_and_shown_per_leaf(client, world):
    client.force_login(world.users["focal"])
    post_item(client, world, "1.1", points="1")
    post_item(client, world, "1.1", points="2", note="sửa lại")
    with translation.override("en"):
        history = client.get(
            reverse(
                "assessment:item_history", args=[world.period.code, world.agency.code, world.item("1.1").pk]
            )
        ).content.decode()
    assert history.count("focal") >= 2
    # In words, with the stage: no stored dict, no internal status code, no bare "Changed".
    assert "from points 1 to points 2" in history and "Self-assessment" in history
    assert "{&#x27;points" not in history and "Changed" not in history
    assert "sửa lại" in history


@pytest.mark.parametrize(
    "user, page, save, history",
    [
        ("focal", 200, "saved", 200),
        ("head", 200, "refused", 200),
        ("other_focal", 404, 404, 404),
        ("home_affairs", 200, "refused", 200),
        ("lead", 200, "refused", 200),
        ("council", 200, "refused", 200),
        ("appraiser", 404, 404, 404),
        ("operator", 403, 403, 403),  # survey operators are fenced out of everything but surveys
        (None, "login", 401, "login"),
    ],
)
def test_who_may_see_and_change_an_agencys_self_assessment(client, world, user, page, save, history):
    """Other agencies, appraisers (until assigned) and survey operators get 404, never the data."""
    if user:
        client.force_login(world.users[user])
    item = world.item("1.1")
    urls = {
        "page": page_url(world),
        "history": reverse("assessment:item_history", args=[world.period.code, world.agency.code, item.pk]),
    }
    for name, expected in (("page", page), ("history", history)):
        response = client.get(urls[name])
        if expected == "login":
            assert response.status_code == 302 and "/dang-nhap/" in response["Location"]
        else:
            assert response.status_code == expected, name
    response = client.post(save_url(world, item), {"version": 1, "points": "1"}, HTTP_HX_REQUEST="true")
    if save == "saved":
        assert "Saved at" in response.content.decode()
    elif save == "refused":
        assert (
            response.status_code == 200 and "Only the agency&#x27;s focal point" in response.content.decode()
        )
    else:
        assert response.status_code == save
    assert world.item("1.1").self_input == ({"points": "1"} if save == "saved" else None)
    for action in ("submit", "reopen"):
        response = client.post(reverse(f"assessment:{action}", args=[world.period.code, world.agency.code]))
        if user in ("other_focal", "appraiser"):
            assert response.status_code == 404
        elif user == "operator":
            assert response.status_code == 403
    assert not Submission.objects.filter(agency=world.agency, status=SubmissionStatus.SUBMITTED).exists()


def test_an_item_of_another_agency_is_404_even_through_my_agencys_url(client, world):
    client.force_login(world.users["focal"])
    foreign = world.item("1.1", world.other)
    url = reverse("assessment:item_save", args=[world.period.code, world.agency.code, foreign.pk])
    assert client.post(url, {"version": 1, "points": "1"}).status_code == 404
    assert client.get(page_url(world, world.other)).status_code == 404
    progress = reverse("assessment:progress", args=[world.period.code, world.other.code])
    assert client.get(progress, HTTP_HX_REQUEST="true").status_code == 404


def test_each_leaf_on_the_page_and_in_its_own_form_carries_its_own_addresses(client, world):
    """The page builds each leaf's addresses from one reverse() per kind: each must be what reverse()
    gives for that item, on the page and in the single leaf form that replaces it after a conflict."""
    client.force_login(world.users["focal"])
    page = client.get(page_url(world)).content.decode()
    items = list(AssessmentItem.objects.filter(agency=world.agency).exclude(node__rule="survey"))
    assert len(items) > 2
    for item in items:
        save, history, files = (
            reverse("assessment:item_save", args=[world.period.code, world.agency.code, item.pk]),
            reverse("assessment:item_history", args=[world.period.code, world.agency.code, item.pk]),
            reverse("evidence:item_files", args=[item.pk]),
        )
        if item.node.source != "data":
            assert f'hx-post="{save}"' in page and f'action="{save}"' in page, item.node.code
        assert f'hx-get="{history}"' in page and f'hx-get="{files}"' in page, item.node.code
    row = client.get(
        reverse("assessment:item_row", args=[world.period.code, world.agency.code, items[-1].pk])
    )
    save = reverse("assessment:item_save", args=[world.period.code, world.agency.code, items[-1].pk])
    assert f'hx-post="{save}"' in row.content.decode()


def test_the_page_reads_a_large_tree_in_a_fixed_number_of_queries(client, world):
    """The page costs the same number of queries for 6 or 150 leaves."""
    from assessment.services import items_ensure
    from bench.compute_large_province import criteria_document
    from scoring.formats import criteria_set_from_document
    from tests.factories import AgencyFactory, BlockFactory

    client.force_login(world.users["focal"])
    client.get(page_url(world))
    with CaptureQueriesContext(connection) as small:
        assert client.get(page_url(world)).status_code == 200

    block = BlockFactory(code="ubnd-xa", name="UBND xã")
    criteria_set_from_document(period=world.period, block=block, document=criteria_document(150))
    commune = AgencyFactory(block=block, code="xa-a")
    focal = world.users["focal"]
    focal.agency = commune
    focal.save()
    items_ensure(period=world.period, agency=commune)  # what opening the self-assessment does
    for code in ("1.1", "2.3", "3.5", "7.2"):
        attach(world, code, commune)
    with CaptureQueriesContext(connection) as large:
        response = client.get(page_url(world, commune))
    assert response.status_code == 200 and response.content.decode().count('class="leaf-form"') == 150
    assert len(large) == len(small) <= 25


def test_an_expired_session_keeps_the_page_and_answers_401(client, world):
    item = world.item("1.1")
    response = client.post(save_url(world, item), {"version": 1, "points": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 401
    html = client.get(page_url(world))
    assert html.status_code == 302


def test_home_affairs_overview_and_its_xlsx(client, world):
    client.force_login(world.users["focal"])
    score_everything(client, world)
    attach(world, "1.1")
    client.post(
        reverse("assessment:submit", args=[world.period.code, world.agency.code]), {"explanation": "Chưa có"}
    )
    client.force_login(world.users["home_affairs"])
    html = client.get(reverse("assessment:overview", args=[world.period.code])).content.decode()
    assert "Sở A" in html and "Sở B" in html and "5/5" in html and "1/5" in html
    response = client.get(reverse("assessment:overview_xlsx", args=[world.period.code]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = {row[1]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["Sở A"][2] == "Submitted" and rows["Sở A"][4] == 5 and rows["Sở A"][6] == 1
    assert rows["Sở B"][2] == "Not started" and rows["Sở B"][4] == 0
    client.force_login(world.users["focal"])
    assert client.get(reverse("assessment:overview", args=[world.period.code])).status_code == 404


def submit(client, world):
    client.post(
        reverse("assessment:submit", args=[world.period.code, world.agency.code]), {"explanation": "Chưa có"}
    )


def appraise_one_leaf(world, code="1.1"):
    """Home Affairs starts the appraisal and an appraiser scores the leaf 0 (a write that is not the
    agency's)."""
    from assessment import appraisal
    from tests.worlds import appraisal_started

    appraisal_started(world, {(None, ""): world.users["appraiser"].pk})
    item = world.item(code)
    appraisal.item_appraise(
        item=item, acting_user=world.users["appraiser"], expected_version=item.version, data={"points": "0"},
        comment="Thiếu kế hoạch",
    )  # fmt: skip


def test_the_overview_dates_the_agencys_own_activity_not_the_appraisers(client, world):
    """An agency's last activity is its own writes: an appraiser's score of its items later is not."""
    from agencies.workflow import period_transition
    from assessment import appraisal

    def last_activity():
        rows = selectors.self_assessment_overview(period=world.period, agencies=Agency.objects.all())
        return {row.agency.code: row.last_activity for row in rows}

    client.force_login(world.users["focal"])
    before = timezone.now()
    post_item(client, world, "1.1", points="1")
    scored_at = last_activity()["so-a"]
    assert before < scored_at < timezone.now() and last_activity()["so-b"] is None
    score_everything(client, world)
    submit(client, world)
    submitted_at = Submission.objects.get(agency=world.agency).submitted_at
    assert submitted_at > scored_at and last_activity()["so-a"] == submitted_at
    appraise_one_leaf(world)
    assert world.item("1.1").updated_at > submitted_at
    assert last_activity()["so-a"] == submitted_at
    period_transition(
        period=world.period, name="open_explanation", acting_user=world.users["lead"], confirmed=True,
        override_reason="Theo lịch",
    )  # fmt: skip
    item = world.item("1.1")
    appraisal.item_explain(
        item=item, acting_user=world.users["focal"], expected_version=item.version, text="Đã ban hành"
    )
    assert last_activity()["so-a"] == world.item("1.1").explained_at > submitted_at


def test_services_refuse_what_the_views_would(world):
    """The services check on their own, whatever calls them."""
    item = world.item("1.1")
    with pytest.raises(
        services.AssessmentRefused,
        match=re.escape(gettext("Only the agency's focal point can change its self-assessment.")),
    ):
        services.item_self_score(
            item=item, acting_user=world.users["other_focal"], expected_version=1, data={"points": "1"}
        )
    with pytest.raises(
        services.AssessmentRefused,
        match=re.escape(gettext("This criterion is scored from the sociological survey.")),
    ):
        services.item_self_score(
            item=world.item("2.3"), acting_user=world.users["focal"], expected_version=1, data={}
        )
    with pytest.raises(services.StaleItem, match=rf"^item {item.pk} is at version \d+$"):
        services.item_self_score(
            item=item, acting_user=world.users["focal"], expected_version=7, data={"points": "1"}
        )


SAVED = {"data": {"points": "1.5"}, "note": "Đã ban hành", "applicable": True, "not_applicable_reason": ""}


@pytest.mark.parametrize(
    "retry, stale",
    [
        ({}, False),  # the very same save
        ({"data": {"points": "1,5"}, "note": "  Đã ban hành "}, False),  # the same once cleaned
        ({"note": "Đã ban hành."}, True),  # the same input, another note
        ({"data": {"points": "1.75"}}, True),
        ({"data": {"points": "1.5", "level": "x"}}, False),  # a key the rule does not take is dropped
        ({"data": {"points": "3"}}, True),  # refused input: a conflict, not a refusal
        ({"applicable": False, "not_applicable_reason": "Không áp dụng"}, True),
    ],
)
def test_a_stale_save_asking_what_is_stored_is_a_success_without_a_new_version(world, retry, stale):
    """Only a save that would store exactly what is stored (cleaned input, note, applicability and
    reason) is answered from the stored item; any other difference stays a conflict."""
    focal = world.users["focal"]
    services.item_self_score(item=world.item("1.1"), acting_user=focal, expected_version=1, **SAVED)
    stored = world.item("1.1")
    audit = stored.history.count()
    if stale:
        with pytest.raises(services.StaleItem):
            services.item_self_score(item=stored, acting_user=focal, expected_version=1, **{**SAVED, **retry})
    else:
        answer = services.item_self_score(
            item=stored, acting_user=focal, expected_version=1, **{**SAVED, **retry}
        )
        assert answer.version == 2
    item = world.item("1.1")
    assert (item.version, item.self_input, item.self_note) == (2, {"points": "1.5"}, "Đã ban hành")
    assert item.history.count() == audit


def test_a_retry_of_a_not_applicable_save_is_a_success_and_a_locked_item_still_refuses(world):
    """Not applicable with its reason matches itself; submission still refuses a stale retry."""
    focal = world.users["focal"]
    fields = {"data": {}, "applicable": False, "not_applicable_reason": "Không có đơn vị trực thuộc"}
    services.item_self_score(item=world.item("1.3"), acting_user=focal, expected_version=1, **fields)
    answer = services.item_self_score(item=world.item("1.3"), acting_user=focal, expected_version=1, **fields)
    assert answer.version == 2 and not answer.applicable
    with pytest.raises(services.StaleItem):  # not applicable without a reason is never stored
        services.item_self_score(
            item=world.item("1.3"), acting_user=focal, expected_version=1, data={}, applicable=False
        )
    world.window.ends_at = timezone.now() - timedelta(minutes=1)
    world.window.save()
    with pytest.raises(services.AssessmentRefused):
        services.item_self_score(item=world.item("1.3"), acting_user=focal, expected_version=1, **fields)


def test_evidence_cannot_change_once_the_window_closes_or_after_submission(client, world):
    """Uploading, reusing and removing files follow the same window and lock as the scores."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world.users["focal"])
    item = world.item("1.1")
    upload_url = reverse("evidence:upload", args=[item.pk])
    ok = client.post(upload_url, {"files": SimpleUploadedFile("kh.pdf", PDF)}, HTTP_HX_REQUEST="true")
    assert "kh.pdf" in ok.content.decode() and item.evidence_links.count() == 1
    world.window.ends_at = timezone.now() - timedelta(minutes=1)
    world.window.save()
    late = client.post(
        upload_url, {"files": SimpleUploadedFile("muon.pdf", PDF + b"2")}, HTTP_HX_REQUEST="true"
    )
    assert "it is closed now" in late.content.decode() and item.evidence_links.count() == 1
    evidence = item.evidence_links.get().evidence
    unlink = client.post(reverse("evidence:unlink", args=[item.pk, evidence.pk]), HTTP_HX_REQUEST="true")
    assert "it is closed now" in unlink.content.decode() and item.evidence_links.count() == 1


def test_an_upgrade_dates_the_saves_made_before_it_from_their_audit_rows(client, world):
    """Items saved before `self_scored_at` existed get their last self-assessment save's time from the
    history; an appraiser's later write does not count, and a never-saved item stays undated."""
    import importlib

    from django.apps import apps

    upgrade = importlib.import_module("assessment.migrations.0008_item_self_scored_at")
    client.force_login(world.users["focal"])
    score_everything(client, world)
    submit(client, world)
    appraise_one_leaf(world)
    saved = dict(AssessmentItem.objects.values_list("pk", "self_scored_at"))
    AssessmentItem.objects.update(self_scored_at=None)
    upgrade.self_scored_at_from_history(apps, None)
    assert dict(AssessmentItem.objects.values_list("pk", "self_scored_at")) == saved
    assert saved[world.item("1.1").pk] < world.item("1.1").updated_at
    assert saved[world.item("1.1", world.other).pk] is None
