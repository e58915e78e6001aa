"""Browser tests: Playwright driving Debian's Chromium against Django's live server."""

import os
import time

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic"],
    }  # fmt: skip


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1366, "height": 900}, "locale": "vi-VN"}


def login(page, live_server, username, password="demo"):
    page.goto(f"{live_server.url}/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()


@pytest.fixture(autouse=True)
def _page_quiet_before_teardown(request):
    """A test ends only once its page's requests are answered, and then leaves the page: a save still on
    its way (or a retry timer firing) when the database is flushed deadlocks the flush or writes into the
    next test's database."""
    if "page" not in request.fixturenames:
        yield
        return
    page = request.getfixturevalue("page")
    pending = set()
    page.on("request", lambda sent: pending.add(sent))
    page.on("requestfinished", lambda done: pending.discard(done))
    page.on("requestfailed", lambda failed: pending.discard(failed))
    yield
    deadline = time.monotonic() + 15
    while pending and time.monotonic() < deadline and not page.is_closed():
        page.wait_for_timeout(100)
    if not page.is_closed():
        page.goto("about:blank")
