"""Generation counters for caches that are expensive to keep exact by invalidation.

A cache that depends on data scattered over many rows (a credit roll depends on every
record, person and edge in a lineage) keys its entries by `current(name)`; code that
changes such data calls `bump(name)` inside its transaction. Old entries are never read
again and expire on their own. Coarse (any change renews every entry of the family) but
always correct, and one indexed row to read.
"""

from __future__ import annotations

from django.db import connection

from ensemble.core.models import Generation


def bump(name: str) -> None:
    """Count one change of the family's data: an atomic upsert in the caller's transaction."""
    q = connection.ops.quote_name
    table = q(Generation._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({q('name')}, {q('value')}) VALUES (%s, 1) "  # noqa: S608
            f"ON CONFLICT ({q('name')}) DO UPDATE SET {q('value')} = {table}.{q('value')} + 1",
            [name],
        )


def current(name: str) -> int:
    """The family's count of changes. Plain SQL: every visitor's page asks (the page
    cache's key), and building the ORM query cost more than running it."""
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {q('value')} FROM {q(Generation._meta.db_table)} WHERE {q('name')} = %s",  # noqa: S608
            [name],
        )
        row = cursor.fetchone()
    return int(row[0]) if row else 0
