"""Every role walks its pages in Chromium at 1366×768 and 390×844 (issue 14): no console error, no
failed request, no sideways scrolling and no serious or critical accessibility violation (axe-core).

The sample province is loaded once for all the walks (a module-scoped live server over committed data,
flushed at the end), so each walk costs only its page visits. To walk a new page, add its path to the
role's list in ROLE_PAGES; `{name}` parts are filled from `sample_ids`.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import override_settings
from pytest_django.live_server_helper import LiveServer

from tests.e2e.walks import PHONE, walk_pages

# The django_db mark makes pytest-django set the test database up (it only does for marked tests);
# each walk's own transaction is rolled back, while the sample stays committed for the live server.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db]

# role → (username, paths). None: a visitor without an account.
ROLE_PAGES = {
    "focal point": (
        "so-gtvt",
        ["/", "/tu-danh-gia/", "/tu-danh-gia/2026/so-gtvt/", "/tham-dinh/2022/giai-trinh/",
         "/tham-dinh/thong-bao/", "/ket-qua/"],
    ),
    "head of agency": ("gd-so-gtvt", ["/", "/tu-danh-gia/"]),
    "appraiser": (
        "thuky1",
        ["/", "/tham-dinh/", "/tham-dinh/2022/", "/tham-dinh/2022/muc/{item_2022}/",
         "/tham-dinh/2022/tong-hop/", "/tham-dinh/2022/phan-cong/", "/tham-dinh/thong-bao/",
         "/tai-lieu/tim-kiem/"],
    ),
    "council": ("hoidong", ["/", "/noi-bo/2022/", "/tham-dinh/2022/tong-hop/", "/bao-cao/"]),
    "Home Affairs": (
        "noivu",
        ["/", "/ky/2026/", "/ky/2022/", "/noi-bo/2022/", "/noi-bo/2022/co-quan/so-gtvt/",
         "/noi-bo/2022/so-sanh/", "/noi-bo/2022/tinh-toan/", "/noi-bo/2022/cong-bo/", "/tai-khoan/",
         "/tai-khoan/{account}/",
         "/tai-khoan/nhap/", "/ung-dung-api/", "/tu-danh-gia/2026/tong-hop/", "/tham-dinh/2026/tong-hop/",
         "/so-lieu/2026/", "/bao-cao/", "/khao-sat/", "/khao-sat/phieu/{questionnaire}/truc-tuyen/",
         "/khao-sat/phieu/{questionnaire}/phieu-in/", "/tai-lieu/tim-kiem/", "/tai-lieu/chung-thu-goc/"],
    ),
    "survey operator": (
        "khaosat",
        ["/khao-sat/", "/khao-sat/phieu/{questionnaire}/", "/khao-sat/phieu/{questionnaire}/nhap/",
         "/khao-sat/phieu/{questionnaire}/nhap-lai/", "/khao-sat/phieu/{questionnaire}/doi-chieu/",
         "/khao-sat/phieu/{answered}/sua/{serial}/"],
    ),
    "public": (
        None,
        ["/ket-qua/", "/ket-qua/2021/", "/ket-qua/2021/co-quan/so-gtvt/", "/ket-qua/2021/phuong-phap/",
         "/ket-qua/2021/du-lieu/", "/ket-qua/tu-dien-du-lieu/", "/dang-nhap/"],
    ),
}  # fmt: skip


def login(page, base_url, username, password="demo"):
    page.goto(f"{base_url}/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("#id_password ~ button[type=submit], form:has(#id_password) button[type=submit]")
    page.wait_for_load_state()
    assert "/dang-nhap/" not in page.url, f"{username} could not log in: {page.inner_text('main')[:300]}"


@pytest.fixture(scope="module")
def sample_site(django_db_setup, django_db_blocker, tmp_path_factory):
    """The sample province, committed, behind one live server for every walk of this module."""
    from django.db import connection

    from accounts.models import User
    from api.models import TokenScope
    from api.services import api_token_issue
    from assessment.models import AssessmentItem
    from sample.loader import load_sample
    from surveys.models import Questionnaire, Response

    # Committed data and a flush at the end: never on anything but the test database.
    assert connection.settings_dict["NAME"].startswith("test_"), connection.settings_dict["NAME"]
    # The demo passwords are hashed with the hasher the tests check with (tests/conftest.py sets MD5 for
    # every test): hashed with the production hasher, no walk could log in and each would walk the
    # login page instead.
    media = override_settings(
        MEDIA_ROOT=tmp_path_factory.mktemp("walk-media"),
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    )
    media.enable()
    with django_db_blocker.unblock():
        load_sample()
        ids = {
            "item_2022": AssessmentItem.objects.filter(
                node__criteria_set__period__code="2022", agency__code="so-gtvt"
            )
            .order_by("pk")
            .values_list("pk", flat=True)
            .first(),
            "account": User.objects.get(username="so-gtvt").pk,
            "questionnaire": Questionnaire.objects.filter(period__code="2026").order_by("pk").first().pk,
        }
        # An API token, so the API clients page shows its table (the sample issues none).
        api_token_issue(
            name="Cổng dữ liệu mở của tỉnh (hệ thống quản lý văn bản và điều hành)",
            scope=TokenScope.READ_ALL,
            rate_per_minute=1200,
            acting_user=User.objects.get(username="noivu"),
        )
        # A typed form to correct (the 2026 questionnaire has none yet in the sample).
        response = Response.objects.order_by("pk").first()
        ids["answered"], ids["serial"] = response.questionnaire_id, response.serial
        server = LiveServer("localhost")
        try:
            yield server.url, ids
        finally:
            server.stop()
            call_command("flush", interactive=False, verbosity=0)
            media.disable()


@pytest.fixture
def _media_root():
    """The walks read the sample's files where the module's fixture put them (no per-test folder)."""


# The roles also walked in English: the same pages, the same checks, every page in English.
ENGLISH_WALKS = ("Home Affairs", "focal point", "public")


@pytest.mark.parametrize("role", list(ROLE_PAGES))
def test_role_walk_is_clean_at_desk_and_phone_sizes(role, sample_site, browser):
    base_url, ids = sample_site
    username, paths = ROLE_PAGES[role]
    walk = walk_pages(browser, base_url, username, [p.format(**ids) for p in paths], login=login)
    assert len(walk.pages) == 2 * len(paths)
    assert walk.problems == []


@pytest.mark.parametrize("role", ENGLISH_WALKS)
def test_role_walk_in_english_is_clean(role, sample_site, browser):
    base_url, ids = sample_site
    username, paths = ROLE_PAGES[role]
    walk = walk_pages(
        browser, base_url, username, [p.format(**ids) for p in paths], login=login, language="en"
    )
    assert len(walk.pages) == 2 * len(paths)
    assert walk.problems == []


def test_the_api_tokens_do_not_scroll_sideways_on_a_phone(sample_site, browser):
    """At 390 px each token is a block of labelled lines: no table wider than the screen to scroll."""
    base_url, _ids = sample_site
    context = browser.new_context(viewport=PHONE, locale="vi-VN")
    page = context.new_page()
    login(page, base_url, "noivu")
    page.goto(f"{base_url}/ung-dung-api/")
    table = page.locator("#api-tokens")
    assert table.locator("tbody tr").count() >= 1
    width = page.evaluate("document.querySelector('#api-tokens').getBoundingClientRect().right")
    assert width <= PHONE["width"]
    assert page.evaluate("document.querySelector('#api-tokens').parentElement.scrollWidth") <= PHONE["width"]
    assert "Cổng dữ liệu mở" in table.inner_text()
    context.close()
