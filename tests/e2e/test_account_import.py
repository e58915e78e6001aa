"""Home Affairs uploads an account list in Chromium: the page answers at once with the job's box, which
shows the outcome (the job runs inline without a broker); a zip bomb is refused on the form itself."""

import io

import pytest
from openpyxl import Workbook

from accounts.models import AccountImport, User
from tests.e2e.conftest import login
from tests.factories import AgencyFactory, UserFactory
from tests.files.hostile import zip_bomb

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def account_list(path):
    book = Workbook()
    book.active.append(["Tên đăng nhập", "Họ và tên", "Email", "Vai trò", "Mã cơ quan"])
    book.active.append(["gtvt-1", "Nguyễn Văn A", "a@gtvt.gov.vn", "focal_point", "so-gtvt"])
    out = io.BytesIO()
    book.save(out)
    path.write_bytes(out.getvalue())
    return path


def test_a_list_is_imported_by_a_job_and_a_bomb_is_refused_on_the_form(live_server, page, tmp_path):
    AgencyFactory(code="so-gtvt")
    UserFactory(username="noivu", role="home_affairs")
    login(page, live_server, "noivu")
    page.goto(f"{live_server.url}/tai-khoan/nhap/")
    page.set_input_files("#file", str(account_list(tmp_path / "tai-khoan.xlsx")))
    with page.expect_navigation():
        page.click("form[enctype] button[type=submit]")
    job = AccountImport.objects.get()
    assert page.url.endswith(f"/tai-khoan/nhap/{job.pk}/")
    page.wait_for_selector('[data-status="created"]')
    assert "1" in page.locator('[data-status="created"] .alert-success').inner_text()
    assert User.objects.filter(username="gtvt-1", agency__code="so-gtvt").exists()

    page.goto(f"{live_server.url}/tai-khoan/nhap/")
    bomb = tmp_path / "bom.xlsx"
    bomb.write_bytes(zip_bomb(20))
    page.set_input_files("#file", str(bomb))
    with page.expect_navigation():
        page.click("form[enctype] button[type=submit]")
    assert "20,0 MB" in page.locator(".alert-danger").inner_text()
    assert AccountImport.objects.count() == 1
