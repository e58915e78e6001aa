"""The test suite's settings: production's (DEBUG off, as Django's test runner forces anyway) with a
throwaway key, plain HTTP for the test client and the live server, and static files without a manifest."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-key-never-used-elsewhere-0123456789-abcdefghij")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
# The suite sends many anonymous API requests within a minute (the policy walk, the schema fuzz); the
# limit itself is tested with its own low rate (tests/api).
os.environ.setdefault("API_ANON_RATE", "100000/min")

from .settings import *  # noqa: E402, F403
from .settings import STORAGES  # noqa: E402

SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
