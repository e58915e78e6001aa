"""With two real Celery workers (issue 17): a bundle's files are rendered as tasks that both workers
take, the progress bar counts finished files, and the ZIP is byte for byte the one built in one process."""

import io
import re
import time

import pytest
from django.core.files.storage import default_storage

from parindex.jobs import JobStatus
from reports.models import ReportBundle
from reports.selectors import report_data
from reports.services import bundle_file_count, bundle_write, report_bundle_start
from scoring.services import period_compute
from tests.factories import UserFactory
from tests.public.builders import ranked_province
from tests.worker import celery_worker

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]


def test_two_workers_render_a_bundles_files_and_the_bar_counts_them(tmp_path):
    period, _ = ranked_province(6)
    snapshot = period_compute(period=period)
    user = UserFactory(role="home_affairs")
    formats = ["xlsx", "pdf", "docx"]
    total = bundle_file_count(report_data(snapshot), "rank", formats)
    seen = set()
    with celery_worker(tmp_path / "worker.log", workers=2):
        bundle = report_bundle_start(snapshot=snapshot, acting_user=user, formats=formats)
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            bundle.refresh_from_db()
            seen.add(bundle.files_done)
            if bundle.status in (JobStatus.SUCCEEDED, JobStatus.FAILED):
                break
            time.sleep(0.05)
    assert bundle.status == JobStatus.SUCCEEDED, bundle.message
    assert bundle.files_done == bundle.files_total == total and bundle.progress == 100
    assert len(seen - {0, total}) >= 3  # the bar moved file by file, not all at once
    rendered = [
        len(re.findall(r"Task reports\.render_bundle_part\[[^\]]+\] succeeded", path.read_text()))
        for path in (tmp_path / "worker.log", tmp_path / "worker-2.log")
    ]
    assert sum(rendered) == total and min(rendered) >= 1, rendered  # both workers rendered files
    content = default_storage.open(bundle.storage_name).read()
    in_one_process = io.BytesIO()
    bundle_write(snapshot, in_one_process, formats=formats)
    assert content == in_one_process.getvalue()
    assert not default_storage.exists(f"reports/bundles/{bundle.pk}/parts/00000")  # parts removed
    assert ReportBundle.objects.count() == 1
