"""An API write from a script over real HTTP, as docs/api.md shows with curl: sign in on the login page
with the CSRF cookie, then send the rotated token in X-CSRFToken. Django's test client skips CSRF checks,
so only a real client proves a session write needs the token and works with it."""

from __future__ import annotations

import re

import pytest
import requests

from scoring.models import ComputeJob
from tests.public.builders import approved_province, official

pytestmark = pytest.mark.django_db(transaction=True)

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def signed_in(base: str, username: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/dang-nhap/", timeout=10)
    answer = session.post(
        f"{base}/dang-nhap/",
        {"username": username, "password": "mat-khau-thu", "csrfmiddlewaretoken": TOKEN.search(page.text)[1]},
        headers={"Referer": f"{base}/dang-nhap/"},
        timeout=10,
    )
    assert "sessionid" in session.cookies, answer.text[:300]
    return session


def test_a_script_signed_in_writes_with_the_csrf_token_and_is_refused_without_it(live_server):
    period, _agencies = approved_province(2)
    home_affairs = official()
    home_affairs.set_password("mat-khau-thu")
    home_affairs.save()
    base = live_server.url
    session = signed_in(base, home_affairs.username)
    url = f"{base}/api/v1/periods/{period.code}/compute/"

    refused = session.post(url, headers={"Referer": f"{base}/"}, timeout=10)
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    assert not ComputeJob.objects.exists()

    token = session.cookies["csrftoken"]  # rotated at sign-in: the one read before would be refused
    accepted = session.post(url, headers={"X-CSRFToken": token, "Referer": f"{base}/"}, timeout=10)
    assert accepted.status_code == 202, accepted.text[:300]
    job = ComputeJob.objects.get()
    assert accepted.json()["id"] == job.pk and job.created_by == home_affairs
