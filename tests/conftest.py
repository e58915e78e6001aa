"""Shared fixtures: evidence and reports go to a temporary MEDIA_ROOT; tasks run eagerly unless a test asks."""

import pytest


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Argon2 is the production hasher (tests/web/test_accounts.py checks it); tests hash fast."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
