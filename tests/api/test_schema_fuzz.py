"""The schema is the contract: schemathesis generates requests for every GET operation of the API from
the live schema (/api/v1/schema/) and sends them to the WSGI app as an anonymous client, a read-all
token and a Home Affairs session. No answer may be a server error or violate the schema.

The writes (POST: start a computation, publish a snapshot, offer and store measured data, import a
criteria set) are fuzzed the same way
for every identity: anonymous, a published token, a read-all token, and the sessions of a focal point,
the secretariat lead and Home Affairs (with a CSRF token, so that their requests reach the services).

Kept modest (a few examples per operation and reader) so that it runs in `make test`."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from api.auth import AnonymousRateThrottle
from api.models import TokenScope
from tests.documents import small_document
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=False)

EXAMPLES = 4
WRITE_EXAMPLES = 3
CHECKS = [not_a_server_error, response_schema_conformance]


@pytest.fixture
def wsgi_app():
    """The project's WSGI app on the test's connection (as Django's test client keeps it open)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_every_read_operation_keeps_the_contract_for_every_reader(world, token_of, monkeypatch, wsgi_app):
    monkeypatch.setattr(AnonymousRateThrottle, "THROTTLE_RATES", {"anon": "100000/min"})
    session = Client()
    session.force_login(world.home_affairs)
    token = {"Authorization": f"Bearer {token_of(TokenScope.READ_ALL, rate=100000)}"}
    readers = {  # what each reader's requests carry
        "anonymous": {},
        "token": {"headers": token},
        "home_affairs": {"cookies": {"sessionid": session.cookies["sessionid"].value}},
    }
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", wsgi_app, headers=token).include(method="GET")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15  # the read API's operations and the older ones' lists and details
    checked = 0
    for operation in operations:
        for carried in readers.values():
            fuzz_one(operation, carried)
            checked += 1
    assert checked == len(operations) * len(readers)


def fuzz_one(operation, carried: dict, examples: int = EXAMPLES) -> None:
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def fuzz(case):
        case.call_and_validate(checks=CHECKS, **carried)

    fuzz()


def session_of(user) -> dict:
    """What a signed-in browser sends with a POST: its session and a CSRF cookie with the same token."""
    client = Client()
    client.force_login(user)
    token = _get_new_csrf_string()
    return {
        "cookies": {"sessionid": client.cookies["sessionid"].value, "csrftoken": token},
        "headers": {"X-CSRFToken": token},
    }


def test_every_write_operation_keeps_the_contract_for_every_identity(world, token_of, monkeypatch, wsgi_app):
    monkeypatch.setattr(AnonymousRateThrottle, "THROTTLE_RATES", {"anon": "100000/min"})
    read_all = {"Authorization": f"Bearer {token_of(TokenScope.READ_ALL, rate=100000)}"}
    published = {"Authorization": f"Bearer {token_of(TokenScope.PUBLISHED, rate=100000)}"}
    lead = UserFactory(username="thuky-fuzz", role="secretariat_lead")
    identities = {
        "anonymous": {},
        "published_token": {"headers": published},
        "read_all_token": {"headers": read_all},
        "focal_point": session_of(world.focal),
        "secretariat": session_of(lead),
        "home_affairs": session_of(world.home_affairs),
    }
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", wsgi_app, headers=read_all).include(
        method="POST", path_regex="^/api/v1/(periods|snapshots|criteria-sets)/"
    )
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.path for op in operations} == {
        "/api/v1/periods/{period_code}/compute/",
        "/api/v1/periods/{period_code}/measures/",
        "/api/v1/periods/{period_code}/measures/{import_id}/store/",
        "/api/v1/snapshots/{period_code}/v{version}/publish/",
        "/api/v1/criteria-sets/{period_code}/{block_code}/import/",
    }
    # Generated paths rarely name a real period: each identity also sends one request that does, so
    # that Home Affairs' reach the services (a computation, a publication, an offered file).
    real = {
        "/api/v1/periods/{period_code}/compute/": ({"period_code": world.period.code}, None, None),
        "/api/v1/periods/{period_code}/measures/": (
            {"period_code": world.period.code}, {"file": b"agency,criterion,value\n"}, "multipart/form-data"
        ),
        "/api/v1/periods/{period_code}/measures/{import_id}/store/": (
            {"period_code": world.period.code, "import_id": 1}, None, None
        ),
        "/api/v1/snapshots/{period_code}/v{version}/publish/": (
            {"period_code": world.period.code, "version": world.unpublished.version},
            {"confirm": True, "reason": "Sửa sai sót"}, "application/json",
        ),
        # The world's period is published: Home Affairs' import reaches the service, which answers 409.
        "/api/v1/criteria-sets/{period_code}/{block_code}/import/": (
            {"period_code": world.period.code, "block_code": world.block.code}, small_document(),
            "application/json",
        ),
    }  # fmt: skip
    statuses = {}
    for operation in operations:
        path_parameters, body, media_type = real[operation.path]
        for name, carried in identities.items():
            fuzz_one(operation, carried, examples=WRITE_EXAMPLES)
            kwargs = {"body": body, "media_type": media_type} if body is not None else {}
            case = operation.Case(path_parameters=path_parameters, **kwargs)
            statuses[(operation.path, name)] = case.call_and_validate(checks=CHECKS, **carried).status_code
    for path in real:
        assert statuses[(path, "anonymous")] == 401
        assert {statuses[(path, who)] for who in ("published_token", "read_all_token", "focal_point")} == {
            403
        }
        # no file 1 to store in this world: a 404 once the policy let Home Affairs through
        reached = (200, 202, 409) if "{import_id}" not in path else (404,)
        assert statuses[(path, "home_affairs")] in reached  # reached the service
