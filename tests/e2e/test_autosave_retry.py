"""An autosave lost on the way (connection reset, a proxy's 502) is said in its leaf and retried; the
typed value stays on the page until a save is answered."""

import pytest
from django.utils import translation
from django.utils.translation import gettext

from tests.e2e.conftest import login
from tests.worlds import self_assessment_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def open_page(page, live_server):
    world = self_assessment_world()
    csp = []
    page.on("console", lambda m: "Content Security Policy" in m.text and csp.append(m.text))
    login(page, live_server, "focal")
    page.goto(f"{live_server.url}/tu-danh-gia/2026/so-a/")
    return world, world.item("1.1"), csp


@pytest.mark.parametrize("lost", ["request", "answer"])
def test_a_lost_autosave_is_said_in_its_leaf_and_retried(live_server, page, lost):
    """The first POST is reset: before reaching the server ("request"), or after the server stored it
    ("answer", the retry then carries the old version and is answered as saved)."""
    world, item, csp = open_page(page, live_server)
    audit = item.history.count()
    posts = []

    def first_post_reset(route):
        if route.request.method != "POST":
            return route.continue_()
        posts.append(route.request.post_data)
        if len(posts) > 1:
            return route.continue_()
        if lost == "answer":
            route.fetch()  # the server stores the save; its answer never reaches the page
        route.abort("connectionreset")

    page.route(f"**/muc/{item.pk}/", first_post_reset)
    points = page.locator(f"#leaf-{item.pk} input[name=points]")
    points.fill("1,75")
    warning = page.locator(f"#message-{item.pk}[role=alert][data-when=network]")
    warning.wait_for(timeout=10_000)
    with translation.override("vi"):
        assert gettext("Not saved yet (connection lost).") in warning.inner_text()
    assert page.locator(f"#message-{item.pk} .bi-check2").count() == 0  # no tick over an unsaved value
    assert points.input_value() == "1,75"

    page.locator(f"#message-{item.pk}[role=status] .bi-check2").wait_for(timeout=10_000)  # retried in 2 s
    assert len(posts) == 2 and "version=1" in posts[1]  # the same form, the version it was loaded with
    stored = world.item("1.1")
    assert stored.self_input == {"points": "1.75"} and stored.version == 2
    assert stored.history.count() == audit + 1  # one save, however many times it was sent
    assert page.locator(f"#version-{item.pk}").input_value() == "2"
    assert points.input_value() == "1,75" and csp == []


def test_an_autosave_the_server_keeps_failing_ends_with_save_again(live_server, page):
    """Every request answers 502: after the retries (2, 5, 10 s) the leaf says it is not saved and
    offers "Save again"; the typed value is still in the input, and the button stores it once the
    server answers again."""
    world, item, csp = open_page(page, live_server)
    posts = []

    def bad_gateway(route):
        posts.append(route.request.method)
        route.fulfill(status=502, body="Bad Gateway")

    page.route(f"**/muc/{item.pk}/", bad_gateway)
    points = page.locator(f"#leaf-{item.pk} input[name=points]")
    points.fill("1,25")
    page.locator(f"#message-{item.pk}[role=alert][data-when=server]").wait_for(timeout=10_000)
    again = page.locator(f"#message-{item.pk}[data-when=failed] [data-autosave-retry]")
    again.wait_for(timeout=40_000)
    with translation.override("vi"):
        assert gettext("Not saved.") in page.locator(f"#message-{item.pk}").inner_text()
    assert posts == ["POST"] * 4  # the save and three retries, then it waits for the user
    assert points.input_value() == "1,25"
    assert world.item("1.1").self_input is None

    page.unroute(f"**/muc/{item.pk}/")
    again.click()
    page.locator(f"#message-{item.pk}[role=status] .bi-check2").wait_for(timeout=10_000)
    assert world.item("1.1").self_input == {"points": "1.25"} and points.input_value() == "1,25"
    assert csp == []
