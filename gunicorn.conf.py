"""Production gunicorn settings (docs/performance.md, "The deadline rush"); each can be overridden from
the environment. gunicorn reads this file from the working directory, or with `-c gunicorn.conf.py`."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Threads: a request spends much of its time waiting on PostgreSQL; a thread waiting lets another run,
# where a sync worker would sit idle. Processes: one per core plus one.
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 4))
# Idle connections are kept this long. It must exceed the time after which a client or a proxy reuses
# an idle connection (Firefox 115 s, nginx's upstream keep-alive 60 s): at gunicorn's default of 2 s a
# reused connection could be closed under the client, which sees a reset instead of an answer.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", 120))
worker_connections = int(os.environ.get("GUNICORN_WORKER_CONNECTIONS", 1000))  # open connections per worker
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 120))
graceful_timeout = 30
# Workers are not recycled after N requests (0 = never): in the 10-minute load test each recycling
# closed kept-alive connections under clients that were sending a save on them (2 resets in 36,105
# requests, 1 in 53,275), and a proxy does not resend a POST. Set it only for a leak, with jitter.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 0))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", 500 if max_requests else 0))
worker_tmp_dir = os.environ.get("GUNICORN_TMP_DIR", "/dev/shm" if os.path.isdir("/dev/shm") else None)
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
