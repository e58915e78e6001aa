"""Migrations on a new database, as `make demo` and a fresh installation run them."""

import sqlite3
import subprocess
import sys

from tests.web.test_security import ROOT, _outside_environment


def _migrate(database, *args: str) -> subprocess.CompletedProcess:
    env = _outside_environment()
    env.update(ENV_FILE="/nonexistent/.env", DEBUG="1", DATABASE_URL=f"sqlite:///{database}")
    return subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def test_one_app_migrates_first_then_the_rest_and_the_role_groups_follow(tmp_path):
    """`migrate surveys` on a new database leaves auth unmigrated: the role groups wait for it instead of
    failing on a missing auth_group table, and are whole once everything is migrated."""
    database = tmp_path / "new.sqlite3"
    first = _migrate(database, "surveys")
    assert first.returncode == 0, first.stderr
    rest = _migrate(database)
    assert rest.returncode == 0, rest.stderr

    with sqlite3.connect(database) as connection:
        groups = dict(
            connection.execute(
                "SELECT g.name, COUNT(p.id) FROM auth_group g "
                "LEFT JOIN auth_group_permissions p ON p.group_id = g.id GROUP BY g.name"
            ).fetchall()
        )
    assert groups["focal_point"] == 4 and groups["survey_operator"] == 1 and len(groups) == 7
