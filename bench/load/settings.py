"""Production settings (DEBUG off, fail closed) for the load test on plain HTTP over loopback: the only
difference is that session and CSRF cookies are not marked Secure, so the load client sends them back
without TLS (as parindex/settings_test.py does for the test client)."""

from parindex.settings import *  # noqa: F403

SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
