"""Whole model rows read by SQL whose column list is built once per process (the autosave's hot path).

Django compiles every QuerySet anew; for the autosave's reads of one row each (an item with its node,
set, period and agency; a row locked by its key) compiling cost more CPU than PostgreSQL spent running
the query (docs/performance.md). The columns come from the models' `_meta`, so a new field is read with
no change here, and every value passes through the converters the ORM applies (the backend's, then the
field's `from_db_value`), so an instance read here equals the ORM's (tests/assessment/test_row_reads.py
compares them field by field). Nothing here decides who may read what.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Model
from django.db.transaction import TransactionManagementError


@dataclass(frozen=True)
class Part:
    """One model's columns in a read, under a table alias."""

    model: type[Model]
    alias: str


_select_lists: dict[tuple[tuple[Part, ...], str], str] = {}
_converters: dict[tuple[Part, str], list] = {}


def select_list(parts: tuple[Part, ...], connection) -> str:
    """Every concrete column of each part, in `_meta.concrete_fields` order, qualified by its alias."""
    key = (parts, connection.vendor)
    if key not in _select_lists:
        quote = connection.ops.quote_name
        _select_lists[key] = ", ".join(
            f"{quote(part.alias)}.{quote(field.column)}"
            for part in parts
            for field in part.model._meta.concrete_fields
        )
    return _select_lists[key]


def table(model: type[Model], alias: str, connection) -> str:
    """`"table" "alias"`, for a FROM or JOIN clause."""
    return f"{connection.ops.quote_name(model._meta.db_table)} {connection.ops.quote_name(alias)}"


def _part_converters(part: Part, connection) -> list:
    """(position, converters, column) of each field whose stored value is converted, found as
    SQLCompiler.get_converters finds them; kept per database alias (the same for each of its threads)."""
    key = (part, connection.alias)
    if key not in _converters:
        found = []
        for position, field in enumerate(part.model._meta.concrete_fields):
            column = field.get_col(part.alias)
            functions = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
            if functions:
                found.append((position, functions, column))
        _converters[key] = found
    return _converters[key]


def instances(row: Sequence, parts: tuple[Part, ...], connection) -> list[Model]:
    """One instance per part from a row of `select_list(parts)`, each value converted as the ORM does."""
    built, start = [], 0
    for part in parts:
        fields = part.model._meta.concrete_fields
        values = list(row[start : start + len(fields)])
        start += len(fields)
        for position, functions, column in _part_converters(part, connection):
            for convert in functions:
                values[position] = convert(values[position], column, connection)
        built.append(part.model.from_db(connection.alias, [field.attname for field in fields], values))
    return built


LOCKS = {
    "update": ("has_select_for_update", " FOR UPDATE"),
    "no_key": ("has_select_for_no_key_update", " FOR NO KEY UPDATE"),
}


def one(
    model: type[Model], where: str, params: Sequence, connection, *, lock: str | None = None
) -> Model | None:
    """The row of `model` matching `where` (a constant condition on its own columns that a key decides,
    values only as `params`: never format input into it), or None;
    with `lock` ("update" or "no_key"), locked as `select_for_update([no_key=True])` locks it where the
    database locks rows (not SQLite, as for the ORM), and only inside a transaction."""
    parts = (Part(model, model._meta.db_table),)
    source = connection.ops.quote_name(model._meta.db_table)
    sql = f"SELECT {select_list(parts, connection)} FROM {source} WHERE {where}"
    if lock is not None:
        if connection.get_autocommit():  # as the ORM refuses select_for_update outside a transaction
            raise TransactionManagementError("a row lock is taken inside a transaction")
        feature, clause = LOCKS[lock]
        if getattr(connection.features, feature):
            sql += clause
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return None if row is None else instances(row, parts, connection)[0]
