"""A pytest plugin for `make mutate`: tests use a test database created once beforehand.

mutmut starts a fresh pytest session for every mutant; creating (or even re-checking with
`--reuse-db`) the test database in each would cost seconds per mutant. With `-p tests.existing_db`
the session only points Django at `test_<NAME>`, which `make mutate` creates first. Tests still run
in a rolled-back transaction each, but two sessions on one database wait on the rows the factories
create with fixed keys, and two that take them in a different order deadlock (a false kill). So with
`MUTATE_DATABASES=N` (N > 1, `make mutate` sets it to the number of children and copies the database
N-1 times as `test_<NAME>_1`…) each session takes a free copy: the first whose PostgreSQL advisory
lock it gets, held on a connection of its own until the session's process ends. A test marked
`django_db(transaction=True)` would flush the database and does not belong in the mutation selection.
"""

import os
import time
import types

import pytest

SLOT_LOCK_BASE = 7_346_000  # advisory lock keys 7346000 + slot; any number no other code uses


def _free_slot(settings_dict: dict, slots: int) -> int:
    """The first copy no other session holds; waits while all are taken (mutmut runs N children)."""
    import psycopg

    holder = psycopg.connect(
        dbname="postgres",
        user=settings_dict.get("USER") or None,
        host=settings_dict.get("HOST") or None,
        port=settings_dict.get("PORT") or None,
        password=settings_dict.get("PASSWORD") or None,
        autocommit=True,
    )
    while True:
        for slot in range(slots):
            if holder.execute("SELECT pg_try_advisory_lock(%s)", [SLOT_LOCK_BASE + slot]).fetchone()[0]:
                _holders.append(holder)  # kept open: the lock lasts as long as this process
                return slot
        time.sleep(0.05)


_holders: list = []
_configured_names: dict[str, str] = {}


def _existing_test_database():
    from django.db import connections

    slots = int(os.environ.get("MUTATE_DATABASES", "1"))
    for connection in connections.all():
        # mutmut forks every child from a process whose earlier sessions already renamed the database:
        # the name the settings gave is kept from the first session on.
        name = _configured_names.setdefault(connection.alias, connection.settings_dict["NAME"])
        if not name.startswith("test_"):
            connection.close()
            slot = (
                _free_slot(connection.settings_dict, slots)
                if slots > 1 and connection.vendor == "postgresql"
                else 0
            )
            connection.settings_dict["NAME"] = f"test_{name}" + (f"_{slot}" if slot else "")
    yield
    while _holders:  # the copy is free for the next session (mutmut's parent runs sessions too)
        _holders.pop().close()
    # mutmut forks each mutant's session from a process that ran sessions before: a connection left
    # open there would be one socket shared by two children, and their tests would fail at random.
    connections.close_all()


def pytest_configure(config):
    # Registered now, after pytest-django, so this django_db_setup overrides pytest-django's own.
    holder = types.ModuleType("existing_db_fixtures")
    holder.django_db_setup = pytest.fixture(scope="session", name="django_db_setup")(_existing_test_database)
    config.pluginmanager.register(holder, "existing_db_fixtures")
