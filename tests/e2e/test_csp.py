"""The main pages run under the Content-Security-Policy: no violation in Chromium, for several roles, and
the self-assessment's htmx autosave, charts and styles still work."""

import os
from pathlib import Path

import pytest

from sample.loader import load_sample
from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
# Added before any page script through the DevTools protocol (which the policy does not govern).
LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sourceFile || ""));
});
"""

PAGES = {
    None: ["/ket-qua/", "/ket-qua/2021/", "/ket-qua/2021/co-quan/so-gtvt/", "/ket-qua/2021/phuong-phap/", "/ket-qua/2021/du-lieu/", "/dang-nhap/"],
    "noivu": ["/", "/noi-bo/2022/", "/noi-bo/2022/so-gtvt/", "/tai-khoan/", "/tai-khoan/nhap/",
              "/tu-danh-gia/", "/tham-dinh/", "/bao-cao/", "/admin/", "/khong-co-trang-nay/"],
    "hoidong": ["/", "/tham-dinh/", "/bao-cao/"],
    "thuky1": ["/tham-dinh/"],
    "khaosat": ["/khao-sat/"],
    "so-gtvt": ["/tu-danh-gia/", "/tai-khoan/"],
}  # fmt: skip


def visit(page, url) -> list[str]:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return page.evaluate("window.__csp")


def test_main_pages_raise_no_csp_violation(live_server, browser, tmp_path):
    load_sample()
    violations = []
    for username, paths in PAGES.items():
        context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN")
        context.add_init_script(LISTEN)
        page = context.new_page()
        console = []
        page.on("console", lambda m, console=console: console.append(m.text))
        if username:
            login(page, live_server, username)
        for path in paths:
            found = visit(page, live_server.url + path)
            violations += [(username, path, v) for v in found]
        violations += [(username, "console", t) for t in console if "Content Security Policy" in t]
        context.close()
    assert violations == []


def test_self_assessment_autosaves_and_renders_under_the_policy(live_server, browser, tmp_path):
    load_sample()
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN")
    context.add_init_script(LISTEN)
    page = context.new_page()
    console = []
    page.on("console", lambda m: console.append(m.text))
    login(page, live_server, "so-gtvt")
    page.goto(f"{live_server.url}/tu-danh-gia/")
    page.wait_for_load_state()
    form = page.locator("form.leaf-form:has(input[name=points])").first
    item_pk = form.get_attribute("id").removeprefix("leaf-")
    form.locator("input[name=points]").fill("0,5")
    page.locator(f"#message-{item_pk} .bi-check2").wait_for(timeout=10_000)  # htmx posted and swapped
    # Sizes from data- attributes are applied (no inline style): indented rows and the progress bar.
    assert page.locator(".leaf[data-indent]").first.evaluate("e => e.style.paddingLeft").endswith("rem")
    assert page.locator("#totals .progress-bar").first.evaluate("e => e.style.width").endswith("%")
    # Bootstrap's stylesheet is applied (a styled button is not the browser's default grey).
    colour = page.locator(".btn-primary").first.evaluate("e => getComputedStyle(e).backgroundColor")
    assert colour not in ("rgba(0, 0, 0, 0)", "rgb(239, 239, 239)")
    shots = DOCS if os.environ.get("SAVE_SCREENSHOTS") else tmp_path
    page.screenshot(path=str(shots / "self-assessment-csp.png"))
    page.goto(f"{live_server.url}/ket-qua/2021/")
    page.wait_for_load_state()
    page.locator("canvas").first.wait_for()
    assert page.locator("canvas").count() >= 1
    height = page.locator("canvas").first.evaluate("e => e.getBoundingClientRect().height")
    assert height > 100  # Chart.js drew into a sized box
    page.screenshot(path=str(tmp_path / "public-ranking.png"), full_page=True)
    if os.environ.get("KEEP_SHOTS"):
        for name in ("self-assessment-csp.png", "public-ranking.png"):
            Path(os.environ["KEEP_SHOTS"], name).write_bytes(
                (shots if "self" in name else tmp_path).joinpath(name).read_bytes()
            )
    assert page.evaluate("window.__csp") == []
    assert [t for t in console if "Content Security Policy" in t] == []
    context.close()
