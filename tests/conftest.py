"""Shared fixtures: evidence and reports go to a temporary MEDIA_ROOT; tasks run eagerly unless a test asks."""

import pytest
from hypothesis import settings as hypothesis_settings

# Speed is measured in bench/, not in tests: Hypothesis' 200 ms deadline per example failed a file
# round trip on the shared 2-core machine at a high load (FlakyFailure, "Unreliable test timings").
hypothesis_settings.register_profile("parindex", deadline=None)
hypothesis_settings.load_profile("parindex")


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Argon2 is the production hasher (tests/web/test_accounts.py checks it); tests hash fast."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_criteria_trees():
    """Each test starts with no cached criteria tree. The cache is keyed by set id and revision, and a
    test database hands set ids out again within one worker (the cache held sets 12–22, all at revision
    8, the small document's): a later test's set, same id and revision, was served an earlier test's tree (its page then had no leaf of its own items: the e2e flake of 3 runs in 10)."""
    from scoring.tree_cache import criteria_tree_clear

    criteria_tree_clear()


@pytest.fixture(autouse=True)
def _eager_tasks(request):
    """Tasks run in-process, even when REDIS_URL is set (as in `make test`), unless the test starts a
    real worker (tests marked `celery` and tests/public/worker.py switch eager off themselves)."""
    from parindex.celery import app

    if request.node.get_closest_marker("celery"):
        yield
        return
    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved


def pytest_terminal_summary(terminalreporter):
    """Figures a test hands over in its user_properties (the policy URL walk's counts) are shown at the
    end of the run, also when the test ran in an xdist worker."""
    shown = set()
    for outcome in ("passed", "failed"):
        for report in terminalreporter.stats.get(outcome, []):
            for key, value in getattr(report, "user_properties", ()):
                if key == "policy_walk" and value not in shown:
                    shown.add(value)
                    terminalreporter.write_line(value)
