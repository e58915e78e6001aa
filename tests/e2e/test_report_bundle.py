"""The ZIP of every report table, in Chromium (issue 14): while it is built the button cannot be pressed
again and says so, an indicator shows work is under way, and the finished bundle gives the button back."""

import pytest

from scoring.services import period_compute
from tests.e2e.conftest import login
from tests.factories import UserFactory
from tests.scoring.test_compute import province

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_zip_button_is_disabled_while_the_bundle_is_built(live_server, page):
    period, _agencies = province(3)
    snapshot = period_compute(period=period)
    UserFactory(username="noivu", role="home_affairs")
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    login(page, live_server, "noivu")
    page.goto(f"{live_server.url}/bao-cao/{period.code}/v{snapshot.version}/")
    button = page.locator("#bundle-button")
    assert button.is_enabled()
    # Without a broker the build runs inside the request: hold the answer to look at the page meanwhile.
    held = []
    page.route("**/goi/", lambda route: held.append(route))
    button.click()
    page.wait_for_function("() => document.querySelector('#bundle-button').disabled")
    page.wait_for_function(
        "() => getComputedStyle(document.querySelector('#bundle-building')).opacity === '1'"
    )
    held[0].continue_()
    page.locator("#bundle-new a[href$='/tai-ve/']").wait_for()
    page.wait_for_function("() => !document.querySelector('#bundle-button').disabled")
    page.wait_for_function(
        "() => getComputedStyle(document.querySelector('#bundle-building')).opacity === '0'"
    )
    assert problems == []
