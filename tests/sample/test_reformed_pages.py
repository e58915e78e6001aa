"""Every page an official uses at the reformed province's full size (20 departments, 120 communes) costs
the same number of queries as at a small size (20 departments, 12 communes): the assignment grid, the
appraisal inbox and review, the self-assessment overview, the ranking and the report pages.

Both provinces are loaded in one module fixture, one after the other inside savepoints, and each page is
opened once per size; the data is rolled back afterwards."""

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from agencies.models import Agency, Period, PeriodState
from sample.reform import load_reformed_province

PAGES = {
    # name: (user, path, what it shows)
    "assignments": ("vs-thuky1", "/tham-dinh/vs-2026/phan-cong/?khoi=vs-xa-phuong"),
    "inbox": ("vs-thuky2", "/tham-dinh/vs-2026/"),
    "inbox_filtered": ("vs-thuky1", "/tham-dinh/vs-2026/?status=appraised&area=3"),
    "review": ("vs-thuky1", "/tham-dinh/vs-2026/tong-hop/"),
    "overview": ("vs-noivu", "/tu-danh-gia/vs-2026/tong-hop/"),
    "overview_not_submitted": ("vs-noivu", "/tu-danh-gia/vs-2026/tong-hop/?trang-thai=in_progress"),
    "ranking": ("vs-noivu", "/noi-bo/vs-2026/?khoi=vs-xa-phuong"),
    "reports": ("vs-noivu", "/bao-cao/vs-2026/v1/"),
    "report_ranking": ("vs-noivu", "/bao-cao/vs-2026/v1/bieu/TH3/"),
    "report_detail": ("vs-noivu", "/bao-cao/vs-2026/v1/bieu/C1/"),
}


def _measure() -> dict[str, tuple[int, int]]:
    """Each page's (status, query count), opened once after a warm-up request by the same user."""
    out = {}
    clients = {}
    for name, (username, path) in PAGES.items():
        if username not in clients:
            clients[username] = Client()
            clients[username].force_login(User.objects.get(username=username))
        client = clients[username]
        client.get(path)  # sessions, caches and content types warmed the same way for both sizes
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        out[name] = (response.status_code, len(queries))
    return out


@pytest.fixture(scope="module")
def counts(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        sizes = {}
        for communes in (12, 120):
            with transaction.atomic():
                load_reformed_province(state=PeriodState.EXPLANATION, communes=communes)
                period = Period.objects.get(code="vs-2026")
                assert period.assessed_agencies().filter(block__code="vs-xa-phuong").count() == communes, (
                    Agency.objects.filter(code__startswith="vs-").count()
                )
                sizes[communes] = _measure()
                transaction.set_rollback(True)
        yield sizes
        transaction.set_rollback(True)


@pytest.mark.parametrize("page", PAGES)
def test_page_opens_and_costs_the_same_at_120_communes(counts, page, db):
    small_status, small = counts[12][page]
    large_status, large = counts[120][page]
    print(f"{page}: {small} queries at 12 communes, {large} at 120")
    assert small_status == large_status == 200
    assert large <= small, f"{page}: {small} queries with 12 communes, {large} with 120"
    assert large <= 40, f"{page}: {large} queries"
