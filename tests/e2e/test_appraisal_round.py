"""One full appraisal round in Chromium: appraise, explain, re-appraise, approve; each step confirmed on its\nconfirmation page, with a reason while something is not ready."""

import pytest

from agencies.models import Period, PeriodState, PeriodTransition
from agencies.workflow import period_transition
from assessment.models import ItemStatus
from assessment.services import assessment_submit, item_self_score
from tests.e2e.conftest import login
from tests.worlds import appraisal_started, self_assessment_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SELF = {
    "1.1": {"points": "2"},
    "1.2": {"level": "dung_han"},
    "1.3": {"value": "0"},
    "2.1": {"value": "95"},
    "2.2": {"value": "80"},
}


def logout(page, live_server):
    page.context.clear_cookies()


def click_transition(page, live_server, period, name, comment=None, reason="Theo kế hoạch của Tổ thư ký"):
    """From the review page to the step's confirmation page; confirms it, with a reason when not ready.
    Returns the readiness list's text as shown."""
    page.goto(f"{live_server.url}/tham-dinh/{period.code}/tong-hop/")
    page.locator(f"a[data-transition={name}]").click()
    page.wait_for_load_state()
    assert f"/chuyen/{name}/" in page.url
    listed = page.locator(".readiness-list").all_inner_texts()
    if comment:
        page.fill("#comment", comment)
    if page.locator("#override_reason").count():
        page.locator("#confirm-button").click()  # refused by the browser: the reason is required
        assert f"/chuyen/{name}/" in page.url
        page.fill("#override_reason", reason)
    page.locator("#confirm-button").click()
    page.wait_for_load_state()
    return "\n".join(listed)


def test_appraise_explain_reappraise_approve(live_server, page):
    world = self_assessment_world()
    for code, data in SELF.items():
        item = world.item(code)
        item_self_score(item=item, acting_user=world.users["focal"], expected_version=item.version, data=data)
    assessment_submit(
        period=world.period, agency=world.agency, acting_user=world.users["focal"], explanation="—"
    )
    appraisal_started(world, {(None, ""): world.users["appraiser"].pk})  # Sở B has not submitted
    target = world.item("1.1")

    login(page, live_server, "appraiser")
    page.goto(f"{live_server.url}/tham-dinh/")
    page.locator(f"a[href$='/muc/{target.pk}/']").click()
    page.fill("#points", "1")
    page.fill("#comment", "Kế hoạch ban hành chậm")
    page.locator("button[name=save_next]").click()
    page.wait_for_load_state()
    assert f"/muc/{target.pk}/" not in page.url  # moved on to the next waiting item
    for code in ("1.2", "1.3", "2.1", "2.2"):
        page.goto(f"{live_server.url}/tham-dinh/{world.period.code}/muc/{world.item(code).pk}/")
        page.locator("button[name=save]").click()  # the self-score stands
        page.wait_for_load_state()
    assert world.item("1.1").status == ItemStatus.APPRAISED

    logout(page, live_server)
    login(page, live_server, "lead")
    listed = click_transition(page, live_server, world.period, "open_explanation")
    assert "Sở B" in listed  # its criteria were never submitted, so never appraised
    assert Period.objects.get(pk=world.period.pk).state == PeriodState.EXPLANATION
    step = PeriodTransition.objects.get(period=world.period, name="open_explanation")
    assert step.override_reason == "Theo kế hoạch của Tổ thư ký" and step.readiness

    logout(page, live_server)
    login(page, live_server, "focal")
    page.goto(f"{live_server.url}/tham-dinh/{world.period.code}/giai-trinh/")
    card = page.locator(f"#item-{target.pk}")
    assert "Kế hoạch ban hành chậm" in card.inner_text()
    card.locator("textarea[name=explanation]").fill("Kế hoạch ban hành đúng hạn, xem Quyết định 12/QĐ")
    card.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert world.item("1.1").status == ItemStatus.DISPUTED

    logout(page, live_server)
    login(page, live_server, "lead")
    click_transition(page, live_server, world.period, "start_reappraisal")
    logout(page, live_server)
    login(page, live_server, "appraiser")
    page.goto(f"{live_server.url}/tham-dinh/{world.period.code}/muc/{target.pk}/")
    assert "Quyết định 12/QĐ" in page.locator("body").inner_text()
    page.fill("#points", "2")
    page.fill("#comment", "Chấp nhận giải trình")
    page.locator("button[name=save]").click()
    page.wait_for_load_state()
    assert world.item("1.1").final_input == {"points": "2"}

    logout(page, live_server)
    login(page, live_server, "lead")
    click_transition(page, live_server, world.period, "send_to_council")
    logout(page, live_server)
    login(page, live_server, "council")
    click_transition(page, live_server, world.period, "approve")
    assert Period.objects.get(pk=world.period.pk).state == PeriodState.APPROVED
    assert (
        "Hội đồng" in page.locator("body").inner_text()
        or "council" in page.locator("body").inner_text().lower()
    )


def test_the_explanation_page_fits_a_phone_with_an_evidence_flag(live_server, page):
    """At 390 px an item marked "evidence insufficient" kept its title, badge and the no-wrap
    "Self-score 2 → Appraised 1" on one row: the row ran 19 px past the screen, the page scrolled
    sideways and the title shrank to a word per line. The points now go under the title on a phone."""
    world = self_assessment_world()
    for code, data in SELF.items():
        item = world.item(code)
        item_self_score(item=item, acting_user=world.users["focal"], expected_version=item.version, data=data)
    assessment_submit(
        period=world.period, agency=world.agency, acting_user=world.users["focal"], explanation="—"
    )
    appraisal_started(world, {(None, ""): world.users["appraiser"].pk})
    from assessment.appraisal import item_appraise

    target = world.item("1.1")
    item_appraise(
        item=target,
        acting_user=world.users["appraiser"],
        expected_version=target.version,
        data={"points": "1.75"},
        comment="Thiếu bản scan quyết định ban hành kế hoạch",
        evidence_insufficient=True,
    )
    period_transition(
        period=world.period,
        name="open_explanation",
        acting_user=world.users["lead"],
        confirmed=True,
        override_reason="Thử",
    )
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, live_server, "focal")
    page.goto(f"{live_server.url}/tham-dinh/{world.period.code}/giai-trinh/")
    card = page.locator(f"#item-{target.pk}")
    assert "Thiếu bản scan" in card.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") == 0
    box, points = card.bounding_box(), card.locator(".num").bounding_box()
    assert points["x"] + points["width"] <= box["x"] + box["width"]
