"""The autosave's SQL reads (parindex.row_reads) give the instances the ORM gives, field by field."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessment import selectors
from assessment.models import AssessmentItem
from tests.assessment.test_self_assessment import post_item

pytestmark = pytest.mark.django_db


def _fields(instance) -> dict:
    """attname → (type, value): a missing converter shows as another type (1 == True, 1.5 == Decimal)."""
    return {
        field.attname: (type(value := getattr(instance, field.attname)), value)
        for field in instance._meta.concrete_fields
    }


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
    assert selectors.item_in_period(item_id=10**20, **address) is None  # beyond any key: none, not an error


def test_one_row_read_and_locked_as_the_orm_reads_and_locks_it(client, world):
    """`row_reads.one` gives the ORM's instance, None for no row, and its lock clause is the one
    select_for_update writes on this database (none on SQLite)."""
    from django.db import transaction

    from assessment.models import Submission
    from parindex import row_reads

    client.force_login(world.users["focal"])
    post_item(client, world, "1.1", points="1")  # the first save creates the submission
    expected = Submission.objects.get(agency=world.agency)
    where, params = "period_id = %s AND agency_id = %s", [world.period.pk, world.agency.pk]
    assert _fields(row_reads.one(Submission, where, params, connection)) == _fields(expected)
    assert row_reads.one(Submission, where, [world.period.pk, world.other.pk], connection) is None
    for lock, orm in (("no_key", Submission.objects.select_for_update(no_key=True)), ("update", None)):
        orm = orm if orm is not None else Submission.objects.select_for_update()
        with transaction.atomic(), CaptureQueriesContext(connection) as queries:
            read = row_reads.one(Submission, where, params, connection, lock=lock)
            list(orm.filter(pk=expected.pk))
        assert _fields(read) == _fields(expected)
        ours, theirs = queries[0]["sql"], queries[1]["sql"]
        clause = theirs[theirs.rindex(expected._meta.db_table) :].partition(" FOR ")
        assert ours.endswith(clause[1] + clause[2]) if clause[1] else " FOR " not in ours


@pytest.mark.django_db(transaction=True)
def test_a_row_lock_outside_a_transaction_is_refused():
    from django.db.transaction import TransactionManagementError

    from assessment.models import Submission
    from parindex import row_reads

    with pytest.raises(TransactionManagementError):
        row_reads.one(Submission, "id = %s", [1], connection, lock="no_key")
    assert row_reads.one(Submission, "id = %s", [1], connection) is None  # a plain read is not refused
