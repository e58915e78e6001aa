"""The sample province (Hải Dương 2021–2022), loaded and computed once per test module and rolled back
afterwards, so the shared test database is left as it was found."""

import pytest
from django.db import transaction

from agencies.models import Period
from reports.selectors import report_data, report_settings_get
from sample.loader import load_sample
from scoring.selectors import latest_snapshot


@pytest.fixture(scope="module")
def sample(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        load_sample()
        snapshot = latest_snapshot(Period.objects.get(code="2022"))
        yield snapshot
        transaction.set_rollback(True)


@pytest.fixture
def snapshot(sample, db):
    return sample


@pytest.fixture
def data(snapshot):
    return report_data(snapshot)


@pytest.fixture
def config(db):
    return report_settings_get()
