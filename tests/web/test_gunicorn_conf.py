"""The production gunicorn settings keep connections that clients reuse (docs/performance.md)."""

import runpy
from pathlib import Path

CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


def test_workers_are_not_recycled_under_clients_by_default(monkeypatch):
    for name in ("GUNICORN_MAX_REQUESTS", "GUNICORN_MAX_REQUESTS_JITTER", "GUNICORN_KEEPALIVE"):
        monkeypatch.delenv(name, raising=False)
    conf = runpy.run_path(str(CONF))
    assert conf["max_requests"] == 0  # recycling reset kept-alive connections in the load test
    assert conf["max_requests_jitter"] == 0
    assert conf["worker_class"] == "gthread"
    assert conf["keepalive"] == 120  # longer than browsers' and proxies' idle reuse


def test_recycling_can_be_asked_for_with_jitter(monkeypatch):
    monkeypatch.setenv("GUNICORN_MAX_REQUESTS", "20000")
    monkeypatch.delenv("GUNICORN_MAX_REQUESTS_JITTER", raising=False)
    conf = runpy.run_path(str(CONF))
    assert (conf["max_requests"], conf["max_requests_jitter"]) == (20000, 500)
