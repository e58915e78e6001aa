"""Fail closed: no debug pages or default key unless DEBUG is set, proxies trusted only when configured, a
strict Content-Security-Policy, the API schema behind login, and translated error pages."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.template.loader import get_template
from django.test import RequestFactory
from django.utils import translation

from agencies.models import PeriodState
from tests.factories import AgencyFactory, PeriodFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]


# What the test run itself sets (its key, the e2e tests' DJANGO_ALLOW_ASYNC_UNSAFE) stays out of the child.
SUITE_ONLY = {"DEBUG", "SECRET_KEY", "TRUST_PROXY_HEADERS", "SECURE_SSL_REDIRECT"}


def _outside_environment() -> dict:
    return {k: v for k, v in os.environ.items() if k not in SUITE_ONLY and not k.startswith("DJANGO_")}


def run_settings(code: str, **env) -> subprocess.CompletedProcess:
    """Runs `code` after django.setup() in a fresh interpreter with only the given settings variables."""
    clean = _outside_environment()
    clean.update(DJANGO_SETTINGS_MODULE="parindex.settings", ENV_FILE="/nonexistent/.env", **env)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings; " + code],
        cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_debug_is_off_unless_set():
    result = run_settings("print(settings.DEBUG)", SECRET_KEY=secrets.token_urlsafe(50))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_without_debug_a_missing_secret_key_refuses_to_start():
    result = run_settings("print(settings.SECRET_KEY)")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "SECRET_KEY" in result.stderr
    assert "insecure" not in result.stdout


def test_a_laptop_with_debug_on_needs_no_key():
    result = run_settings("print(settings.DEBUG, bool(settings.SECRET_KEY))", DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True True"


@pytest.mark.parametrize(
    ("trust", "expected"), [("", "None"), ("true", "('HTTP_X_FORWARDED_PROTO', 'https')")]
)
def test_forwarded_proto_is_trusted_only_when_configured(trust, expected):
    env = {"SECRET_KEY": secrets.token_urlsafe(50)}
    if trust:
        env["TRUST_PROXY_HEADERS"] = trust
    result = run_settings("print(settings.SECURE_PROXY_SSL_HEADER)", **env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


def _env_example() -> dict:
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _sep, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def test_check_deploy_is_clean_with_the_documented_production_settings():
    documented = _env_example()
    assert "DEBUG" not in documented or documented["DEBUG"].lower() in ("0", "false", "off")
    documented["SECRET_KEY"] = secrets.token_urlsafe(50)
    env = _outside_environment()
    env.update(documented, DJANGO_SETTINGS_MODULE="parindex.settings", ENV_FILE="/nonexistent/.env")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout


@pytest.mark.django_db
def test_a_forwarded_proto_header_from_a_client_does_not_make_the_request_secure(client):
    response = client.get("/dang-nhap/", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 200
    assert response.wsgi_request.is_secure() is False


def _policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.strip() for part in header.split(";") if part.strip()}


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/dang-nhap/", "/ket-qua/", "/"])
def test_pages_carry_a_strict_content_security_policy(client, url):
    response = client.get(url, follow=True)
    policy = _policy(response)
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    assert "'unsafe-inline'" not in policy.get("style-src", policy["default-src"])
    assert policy["frame-ancestors"] == "frame-ancestors 'none'"
    assert policy["object-src"] == "object-src 'none'"
    assert response["X-Frame-Options"] == "DENY"


TEMPLATE_DIRS = [ROOT / "templates", *ROOT.glob("*/templates")]
# WeasyPrint renders the PDF template offline: it is never served to a browser.
OFFLINE = {"reports/pdf.html", "surveys/printed_forms.html"}  # rendered to PDF by WeasyPrint, never served


def _templates():
    for folder in TEMPLATE_DIRS:
        for path in folder.rglob("*.html"):
            name = str(path.relative_to(folder))
            if name not in OFFLINE:
                yield name, path.read_text()


def test_no_template_has_inline_script_handlers_or_styles():
    offenders = []
    for name, text in _templates():
        for match in re.finditer(r"<script\b([^>]*)>", text):
            attrs = match.group(1)
            if "src=" not in attrs and "application/json" not in attrs:
                offenders.append((name, "inline script"))
        if re.search(r"\son[a-z]+\s*=", text):
            offenders.append((name, "on* handler"))
        if re.search(r"\sstyle\s*=", text) or "<style" in text:
            offenders.append((name, "inline style"))
    assert offenders == []


@pytest.mark.django_db
def test_the_api_schema_needs_a_login(client):
    assert client.get("/api/schema/").status_code in (302, 401, 403)
    client.force_login(UserFactory(username="noivu", role="home_affairs"))
    assert client.get("/api/schema/").status_code == 200


@pytest.mark.django_db
def test_the_404_page_is_vietnamese_and_shows_no_url_list(client):
    response = client.get("/khong-co-trang-nay/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "Không tìm thấy trang" in body and "ParIndex" in body
    assert "URLconf" not in body and "tham-dinh/" not in body


@pytest.mark.django_db
def test_the_404_page_is_english_when_chosen(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404 and "Page not found" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "marker"), [("vi", 'lang="vi"'), ("en", "Access denied")])
def test_the_403_page_is_the_sites_own_in_the_chosen_language(client, settings, language, marker):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(UserFactory(username="hoidong", role="council"))
    response = client.get("/tai-khoan/")
    body = response.content.decode()
    assert response.status_code == 403 and marker in body
    assert 'id="mainnav"' in body and "<h1>403 Forbidden</h1>" not in body


def test_the_500_page_renders_without_a_request_context():
    with translation.override("vi"):
        body = get_template("500.html").render()
    assert "Lỗi máy chủ" in body and "<html" in body


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "text"), [("vi", "Lỗi máy chủ"), ("en", "Server error")])
def test_the_500_handler_answers_in_the_requests_language(language, text):
    from django.views.defaults import server_error

    with translation.override(language):
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500 and text in response.content.decode()


def nav_links(body: str) -> list[str]:
    nav = body.split('id="mainnav"')[1].split("</ul>")[0]
    return re.findall(r'href="([^"]+)"', nav)


@pytest.fixture
def agency_user(db):
    agency = AgencyFactory(code="so-a")
    return UserFactory(username="so-a-dm", role="focal_point", agency=agency)


@pytest.mark.django_db
def test_a_focal_point_sees_no_appraisal_link_before_the_explanation_round(client, agency_user):
    PeriodFactory(year=2026, state=PeriodState.APPRAISAL)
    client.force_login(agency_user)
    links = nav_links(client.get("/tham-dinh/thong-bao/").content.decode())
    assert links and not [
        link for link in links if link.startswith(("/tham-dinh/", "/tai-khoan/", "/bao-cao/"))
    ]


@pytest.mark.django_db
def test_a_focal_points_appraisal_link_opens_the_explanation_page(client, agency_user):
    PeriodFactory(year=2026, state=PeriodState.EXPLANATION)
    client.force_login(agency_user)
    links = nav_links(client.get("/tham-dinh/thong-bao/").content.decode())
    assert [link for link in links if link.startswith("/tham-dinh/")] == ["/tham-dinh/2026/giai-trinh/"]
    assert client.get("/tham-dinh/2026/giai-trinh/").status_code == 200


@pytest.mark.django_db
def test_a_survey_operator_sees_only_surveys(client):
    client.force_login(UserFactory(username="buudien", role="survey_operator"))
    assert nav_links(client.get("/khao-sat/").content.decode()) == ["/khao-sat/"]


def _manage(*args: str, **env) -> subprocess.CompletedProcess:
    clean = _outside_environment()
    clean.update(ENV_FILE="/nonexistent/.env", DATABASE_URL="sqlite:///:memory:", **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


def test_a_command_that_serves_nothing_runs_without_a_key_and_signs_nothing():
    """Like Django itself, a command needing no key (migrations, exports) runs; nothing gets a default key."""
    result = _manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stderr
    result = _manage("shell", "-c", "from django.core import signing; signing.dumps(1)")
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_runserver_without_debug_or_key_refuses_to_start():
    result = _manage("runserver", "127.0.0.1:8799", "--noreload")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "SECRET_KEY is not set" in result.stderr
