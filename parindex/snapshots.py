"""Several reads that must depict the database at one moment (a page fragment and the count that dates it)."""

from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections, transaction


@contextmanager
def one_snapshot(using: str = DEFAULT_DB_ALIAS):
    """The reads inside see one snapshot: PostgreSQL's REPEATABLE READ (READ COMMITTED, the default, takes
    a snapshot per statement); SQLite's transaction already reads one state of the file. Inside a
    transaction begun elsewhere (a test's, a caller's) the reads keep that transaction's level."""
    connection = connections[using]
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=using):
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # must be the transaction's first statement
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield
