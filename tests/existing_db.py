"""A pytest plugin for `make mutate`: tests use a test database created once beforehand.

mutmut starts a fresh pytest session for every mutant; creating (or even re-checking with
`--reuse-db`) the test database in each would cost seconds per mutant. With `-p tests.existing_db`
the session only points Django at `test_<NAME>`, which `make mutate` creates first. Tests still run
in a rolled-back transaction each, so two mutants may share the database; a test marked
`django_db(transaction=True)` would flush it and does not belong in the mutation selection.
"""

import types

import pytest


def _existing_test_database():
    from django.db import connections

    for connection in connections.all():
        name = connection.settings_dict["NAME"]
        if not name.startswith("test_"):
            connection.close()
            connection.settings_dict["NAME"] = f"test_{name}"
    yield
    # mutmut forks each mutant's session from a process that ran sessions before: a connection left
    # open there would be one socket shared by two children, and their tests would fail at random.
    connections.close_all()


def pytest_configure(config):
    # Registered now, after pytest-django, so this django_db_setup overrides pytest-django's own.
    holder = types.ModuleType("existing_db_fixtures")
    holder.django_db_setup = pytest.fixture(scope="session", name="django_db_setup")(_existing_test_database)
    config.pluginmanager.register(holder, "existing_db_fixtures")
