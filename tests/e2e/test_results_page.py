"""A Home Affairs official logs in and reads the computed sample results in Vietnamese."""

import pytest

from sample.loader import load_sample
from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_official_sees_the_ranking(live_server, page, tmp_path):
    """After login the ranking shows Sở GTVT first at 90,30 and Sở Y tế last, with rank changes."""
    load_sample()
    login(page, live_server, "noivu")
    page.goto(f"{live_server.url}/noi-bo/")  # the home says what to do; the results have their page
    first_row = page.locator("table").first.locator("tbody tr").first
    assert "Sở Giao thông vận tải" in first_row.inner_text()
    assert "90,30" in first_row.inner_text()
    assert page.locator("html").get_attribute("lang") == "vi"
    assert "▲ 7" in page.locator("tr", has_text="Sở Giáo dục và Đào tạo").first.inner_text()
    page.screenshot(path=str(tmp_path / "ranking.png"), full_page=True)
