"""Two autosaves of one agency whose answers arrive in the other order: the page keeps the newer figures.

An answer is computed after its save commits, so one that reached the page late may depict the agency
before another save whose answer is already shown (the suite once saw an area row go back to 3,75
after 5,25). Each figure carries how fresh it is; the page never replaces a figure by an older one."""

import pytest

from tests.e2e.conftest import login
from tests.worlds import self_assessment_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_late_answer_never_replaces_newer_figures(live_server, page):
    world = self_assessment_world()
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    login(page, live_server, "focal")
    page.goto(f"{live_server.url}/tu-danh-gia/2026/so-a/")
    first, second = world.item("1.1"), world.item("1.2")
    held = []

    def hold_the_answer(route):
        # the server stores the save and answers; the answer is kept from the page until released
        held.append((route, route.fetch()))

    page.route(f"**/muc/{first.pk}/", hold_the_answer)
    page.fill(f"#leaf-{first.pk} input[name=points]", "1,75")
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(100)
    assert held and world.item("1.1").version == 2  # stored, its answer (1,75 in area 1) not yet shown

    page.select_option(f"#leaf-{second.pk} select[name=level]", "dung_han")
    page.locator(f"#message-{second.pk} .bi-check2").wait_for(timeout=10_000)
    area = page.locator(f"#totals-area-{first.node.parent_id}")
    assert "3,75/" in area.inner_text()  # 1,75 + 2: the second answer saw both saves

    route, answer = held.pop()
    route.fulfill(response=answer)  # the first answer, computed before the second save, arrives last
    page.locator(f"#message-{first.pk} .bi-check2").wait_for(timeout=10_000)
    assert "3,75/" in area.inner_text()
    assert "3,75 / " in page.locator("#totals-head").inner_text()
    assert page.locator(f"#points-node-{first.node.parent_id}").inner_text().startswith("3,75")
    # what is the first save's own stays its own: its version and its leaf's points
    assert page.locator(f"#version-{first.pk}").input_value() == "2"
    assert page.locator(f"#points-node-{first.node_id}").inner_text().startswith("1,75")
    assert errors == []


@pytest.mark.parametrize("later", ["1.2", "2.1"])  # a leaf of the same area, of another
def test_a_late_answer_with_every_area_row_keeps_the_newer_ones(live_server, page, later):
    """A leaf marked not applicable answers with the head and every area's row (an index may appear or go
    in each); a later save's newer head and area row are kept when that answer arrives last, and the
    rows it alone brings are taken: what the page shows is what a reload shows."""
    world = self_assessment_world()
    login(page, live_server, "focal")
    page.goto(f"{live_server.url}/tu-danh-gia/2026/so-a/")
    first, second = world.item("1.3"), world.item(later)
    page.fill(f"#leaf-{first.pk} input[name=not_applicable_reason]", "Không phát sinh")
    page.locator(f"#leaf-{first.pk} input[name=not_applicable_reason]").press("Tab")  # its change, sent now
    page.locator(f"#message-{first.pk} .bi-check2").wait_for(timeout=10_000)
    page.wait_for_load_state("networkidle")
    held = []
    page.route(f"**/muc/{first.pk}/", lambda route: held.append((route, route.fetch())))
    page.check(f"#na-{first.pk}")
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(100)
    assert held and not world.item("1.3").applicable

    if later == "1.2":
        page.select_option(f"#leaf-{second.pk} select[name=level]", "dung_han")
    else:
        page.fill(f"#leaf-{second.pk} input[name=value]", "95")
    page.locator(f"#message-{second.pk} .bi-check2").wait_for(timeout=10_000)
    route, answer = held.pop()
    route.fulfill(response=answer)
    page.locator(f"#na-{first.pk}:checked").wait_for()
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)
    shown = page.locator("#totals").inner_text()
    tree = [page.locator(f"#points-node-{area}").inner_text() for area in _areas(world)]
    page.unroute(f"**/muc/{first.pk}/")
    page.reload()
    assert page.locator("#totals").inner_text() == shown  # what the page shows is what is stored
    assert [page.locator(f"#points-node-{area}").inner_text() for area in _areas(world)] == tree


def _areas(world):
    return sorted({world.item(code).node.parent_id for code in ("1.1", "2.1")})


def test_a_refusal_after_a_save_is_shown(live_server, page):
    """A refused save changes nothing: its answer depicts the same moment as the save before it (an equal
    count), and is shown, so no "Saved at" tick stays over a value that was not stored."""
    world = self_assessment_world()
    login(page, live_server, "focal")
    page.goto(f"{live_server.url}/tu-danh-gia/2026/so-a/")
    leaf = world.item("1.1")
    page.fill(f"#leaf-{leaf.pk} input[name=points]", "1")
    page.locator(f"#message-{leaf.pk} .bi-check2").wait_for(timeout=10_000)
    page.wait_for_load_state("networkidle")
    page.fill(f"#leaf-{leaf.pk} input[name=points]", "3")  # outside 0…2: refused, nothing stored
    page.locator(f"#message-{leaf.pk}.text-danger").wait_for(timeout=10_000)
    assert page.locator(f"#message-{leaf.pk} .bi-check2").count() == 0
    assert world.item("1.1").self_input == {"points": "1"}
