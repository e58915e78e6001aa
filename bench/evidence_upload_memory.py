"""Memory and time of one 50 MB evidence upload through the whole Django stack.

Run: DATABASE_URL=sqlite:////tmp/bench_evidence.sqlite3 .venv/bin/python -m bench.evidence_upload_memory

The request body is written to a temporary file and fed to the test Client's handler as the WSGI input
stream, as a server would, so the figures are the server side's: multipart parsing, type check, hashing
and storage. (Client.post would first build the whole body in memory.)
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
import tracemalloc
import uuid
from pathlib import Path

MB = 1024 * 1024
SIZE = 50 * MB
CHUNK = 1 * MB


def write_random_pdf(path: Path, size: int) -> None:
    """A PDF header, then random bytes written in chunks: the file is never in memory whole."""
    header = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
    with path.open("wb") as handle:
        handle.write(header)
        left = size - len(header)
        while left > 0:
            handle.write(os.urandom(min(CHUNK, left)))
            left -= CHUNK


def write_multipart(body: Path, boundary: str, field: str, filename: str, source: Path) -> None:
    with body.open("wb") as out, source.open("rb") as data:
        out.write(
            (
                f"--{boundary}\r\n"
                f'Content-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
                "Content-Type: application/pdf\r\n\r\n"
            ).encode()
        )
        while chunk := data.read(CHUNK):
            out.write(chunk)
        out.write(f"\r\n--{boundary}--\r\n".encode())


def _status_mb(field: str) -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return None


def reset_peak_rss() -> float:
    """The current RSS, after resetting the high-water mark where Linux allows it (else the lifetime peak)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return _status_mb("VmRSS") or 0.0


def peak_rss_mb() -> float:
    return _status_mb("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def setup_django(media_root: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parindex.settings")
    os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/bench_evidence.sqlite3")
    import django
    from django.conf import settings

    django.setup()
    settings.MEDIA_ROOT = media_root
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="bench-evidence-") as scratch:
        scratch_path = Path(scratch)
        setup_django(str(scratch_path / "media"))

        from datetime import timedelta

        from django.core.management import call_command
        from django.test import Client
        from django.urls import reverse
        from django.utils import timezone

        from accounts.models import User
        from agencies.models import Agency, Block, Period, PeriodState, Window, WindowKind
        from assessment.models import AssessmentItem
        from evidence.models import EvidenceFile
        from scoring.models import CriteriaNode, CriteriaSet

        call_command("migrate", verbosity=0)
        tag = uuid.uuid4().hex[:8]
        block = Block.objects.create(code=f"bench-{tag}", name="Khối bench")
        period = Period.objects.create(
            code=f"b{tag}",
            name="Bench",
            year=2022,
            starts_on="2022-01-01",
            ends_on="2022-12-31",
            state=PeriodState.SELF_ASSESSMENT,  # evidence is taken only in self-assessment
        )
        now = timezone.now()
        Window.objects.create(
            period=period,
            kind=WindowKind.SELF_ASSESSMENT,
            starts_at=now - timedelta(days=1),
            ends_at=now + timedelta(days=1),
        )
        criteria_set = CriteriaSet.objects.create(period=period, block=block, name="Bench")
        node = CriteriaNode.objects.create(
            criteria_set=criteria_set, code="1.1", title="Kế hoạch CCHC", max_points=1, rule="manual"
        )
        agency = Agency.objects.create(code=f"bench-{tag}", name="Sở Bench", block=block)
        item = AssessmentItem.objects.create(agency=agency, node=node)
        user = User.objects.create_user(f"bench-{tag}", password="x", role="focal_point", agency=agency)

        source, body = scratch_path / "upload.pdf", scratch_path / "body.bin"
        write_random_pdf(source, SIZE)
        boundary = uuid.uuid4().hex
        write_multipart(body, boundary, "files", "Tài liệu 50 MB.pdf", source)

        client = Client()
        client.force_login(user)
        client.get(reverse("evidence:item_files", args=[item.pk]))  # warm up imports and templates

        queued = []
        try:  # the checks after an upload (issue 15) run in a worker: here the request only queues them
            from evidence import tasks as evidence_tasks

            check_task = evidence_tasks.check_evidence
            original_delay = check_task.delay
            check_task.delay = queued.append
        except ImportError:  # before issue 15: no checks
            check_task = None

        rss_before = reset_peak_rss()
        tracemalloc.start()
        started = time.perf_counter()
        with body.open("rb") as stream:
            response = client.generic(
                "POST",
                reverse("evidence:upload", args=[item.pk]),
                headers={"HX-Request": "true"},
                **{
                    "wsgi.input": stream,
                    "CONTENT_TYPE": f"multipart/form-data; boundary={boundary}",
                    "CONTENT_LENGTH": str(body.stat().st_size),
                },
            )
        elapsed = time.perf_counter() - started
        _, traced_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rss_growth = peak_rss_mb() - rss_before

        stored = EvidenceFile.objects.filter(agency=agency).first()
        if response.status_code != 200 or stored is None or stored.size != SIZE:
            print(f"upload failed: HTTP {response.status_code}", file=sys.stderr)
            print(response.content.decode()[:2000], file=sys.stderr)
            return 1
        print(
            f"50 MB upload: time {elapsed:.2f} s, peak memory growth {rss_growth:.1f} MB"
            f" (RSS high-water mark; Python allocations peaked at {traced_peak / MB:.1f} MB)"
        )
        if check_task is not None:
            check_task.delay = original_delay
            from evidence.checks import evidence_check_run

            rss_before = reset_peak_rss()
            started = time.perf_counter()
            checks = [evidence_check_run(check_id=check_id) for check_id in queued]
            elapsed = time.perf_counter() - started
            print(
                f"its checks in the worker ({len(queued)} job): time {elapsed:.2f} s, peak memory growth"
                f" {peak_rss_mb() - rss_before:.1f} MB, outcome {[c.status for c in checks if c]}"
                f" {[c.signature for c in checks if c]}"
            )
        return 0


if __name__ == "__main__":
    sys.exit(main())
