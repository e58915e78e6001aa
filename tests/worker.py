"""A real Celery worker for tests marked `celery`: a separate process on Redis database 5 (each worker
on a queue of its own), reading the test database and the test's MEDIA_ROOT. Tests using it skip when
Redis is not reachable."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager, nullcontext
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from parindex.celery import app as celery_app

REDIS_URL = os.environ.get("TEST_WORKER_REDIS_URL", "redis://127.0.0.1:6379/5")
ROOT = Path(__file__).resolve().parents[1]


def redis_error() -> str | None:
    """None when Redis answers, else why not."""
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except Exception as error:  # noqa: BLE001 - any failure means "no Redis here"
        return str(error)
    return None


def redis_or_skip() -> None:
    error = redis_error()
    if error is not None:
        pytest.skip(f"no Redis at {REDIS_URL}: {error}")


def database_url() -> str:
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


def _reset_producer():
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextmanager
def celery_worker(log_path: Path, workers: int = 1):
    """Starts a worker on a fresh queue; tasks sent meanwhile from this process go to it through Redis.
    With `workers` > 1, that many worker processes share the queue (logs: worker.log, worker-2.log…)
    and the context yields the list of processes."""
    redis_or_skip()
    if connection.vendor != "postgresql":
        pytest.skip("the worker test needs PostgreSQL")
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": REDIS_URL,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),  # the worker reads the files the test stored
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DJANGO_SETTINGS_MODULE": "parindex.settings_test",
    }
    log_paths = [
        log_path,
        *(log_path.with_name(f"{log_path.stem}-{n}{log_path.suffix}") for n in range(2, workers + 1)),
    ]
    logs = [open(path, "w") for path in log_paths]  # noqa: SIM115 - closed below
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "parindex",
                "worker",
                "-P",
                "solo",
                "-Q",
                queue,
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-l",
                "info",
                "-n",
                f"{queue}-{n}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        for n, log in enumerate(logs, start=1)
    ]
    saved = {key: celery_app.conf[key] for key in ("task_always_eager", "broker_url", "task_default_queue")}
    try:
        deadline = time.monotonic() + 60
        for process, path in zip(processes, log_paths, strict=True):
            while "ready" not in path.read_text():
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the Celery worker did not start:\n{path.read_text()}")
                time.sleep(0.2)
        _reset_producer()
        celery_app.conf.update(task_always_eager=False, broker_url=REDIS_URL, task_default_queue=queue)
        yield processes[0] if workers == 1 else processes
    finally:
        celery_app.conf.update(saved)
        _reset_producer()
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for log in logs:
            log.close()


def wait_for(predicate, timeout: float = 60, interval: float = 0.05, what: str = "a condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {what}")


def worker_or_eager(log_path: Path):
    """A real worker when Redis answers (the progress bar then moves while the page polls); otherwise
    tasks run eagerly, as on a laptop without a broker."""
    if redis_error() is None and connection.vendor == "postgresql":
        return celery_worker(log_path)
    return nullcontext()
