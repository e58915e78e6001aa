"""The autosave's SQL reads (parindex.row_reads) give the instances the ORM gives, field by field."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessment import selectors
from assessment.models import AssessmentItem
from tests.assessment.test_self_assessment import post_item

pytestmark = pytest.mark.django_db


def _fields(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


def test_the_item_in_its_period_equals_the_orms_read(client, world):
    """Every concrete field of the item, its node, set, period and agency, with a JSON input, decimals,
    datetimes and booleans among them, as `select_related` reads them; one query, no lazy read after."""
    client.force_login(world.users["focal"])
    post_item(client, world, "1.1", points="1,5", note="Đã ban hành")
    post_item(client, world, "2.1", not_applicable="on", not_applicable_reason="Không có hồ sơ")
    for code in ("1.1", "1.2", "2.1"):
        pk = world.item(code).pk
        expected = AssessmentItem.objects.select_related("node__criteria_set__period", "agency").get(pk=pk)
        with CaptureQueriesContext(connection) as queries:
            item = selectors.item_in_period(
                item_id=pk, agency_code=world.agency.code, period_code=world.period.code
            )
            related = [item.node, item.node.criteria_set, item.node.criteria_set.period, item.agency]
        assert len(queries) == 1
        assert _fields(item) == _fields(expected) and item._state.db == expected._state.db
        assert not item._state.adding
        for read, orm in zip(
            related,
            [expected.node, expected.node.criteria_set, expected.node.criteria_set.period, expected.agency],
            strict=True,
        ):
            assert type(read) is type(orm) and _fields(read) == _fields(orm)
    assert item.self_input is None and item.applicable is False  # 2.1, the last read
    first = selectors.item_in_period(
        item_id=world.item("1.1").pk, agency_code=world.agency.code, period_code=world.period.code
    )
    assert first.self_input == {"points": "1.5"} and first.self_note == "Đã ban hành"


def test_an_item_of_another_agency_or_period_is_not_read(world):
    pk = world.item("1.1").pk
    address = {"agency_code": world.agency.code, "period_code": world.period.code}
    assert selectors.item_in_period(item_id=pk, **address) is not None
    assert selectors.item_in_period(item_id=pk, **{**address, "agency_code": world.other.code}) is None
    assert selectors.item_in_period(item_id=pk, **{**address, "period_code": "1999"}) is None
    assert selectors.item_in_period(item_id=pk + 10_000, **address) is None
