"""A real Celery worker for the survey tests marked `celery`: a separate process on Redis database 6,
reading the test database and the test's MEDIA_ROOT. Tests using it skip when Redis is not reachable."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from parindex.celery import app as celery_app

REDIS_URL = os.environ.get("SURVEYS_TEST_REDIS_URL", "redis://127.0.0.1:6379/6")
ROOT = Path(__file__).resolve().parents[2]


def _redis_or_skip() -> None:
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except Exception as error:  # noqa: BLE001 - any failure means "no Redis here"
        pytest.skip(f"no Redis at {REDIS_URL}: {error}")


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db.get('USER') or 'postgres'}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


def _reset_producer() -> None:
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextmanager
def celery_worker(log_path: Path):
    """Starts a worker on a fresh queue; tasks sent meanwhile from this process go to it through Redis."""
    _redis_or_skip()
    if connection.vendor != "postgresql":
        pytest.skip("the worker test needs PostgreSQL")
    queue = f"surveys-test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "REDIS_URL": REDIS_URL,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DJANGO_SETTINGS_MODULE": "parindex.settings",
    }
    log = open(log_path, "w")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "parindex", "worker", "-P", "solo", "-Q", queue,
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "info", "-n", f"{queue}@%h"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    saved = {key: celery_app.conf[key] for key in ("task_always_eager", "broker_url", "task_default_queue")}
    try:
        deadline = time.monotonic() + 60
        while "ready" not in log_path.read_text():
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the Celery worker did not start:\n{log_path.read_text()}")
            time.sleep(0.2)
        _reset_producer()
        celery_app.conf.update(task_always_eager=False, broker_url=REDIS_URL, task_default_queue=queue)
        yield process
    finally:
        celery_app.conf.update(saved)
        _reset_producer()
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.close()
