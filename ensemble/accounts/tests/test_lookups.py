"""Case-insensitive lookups of members use the unique indexes on LOWER(username/email)."""

import pytest
from django.db import connection, transaction

from ensemble.accounts.models import User


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A tiny test table is cheaper to scan; ask whether the index *can* serve.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return " ".join(str(row) for row in cursor.fetchall())


@pytest.mark.parametrize(
    ("queryset", "index"),
    [
        (lambda: User.objects.with_username("ALICE"), "accounts_username_ci_unique"),
        (lambda: User.objects.with_email("Alice@Example.org"), "accounts_email_ci_unique"),
    ],
)
def test_lookups_by_name_and_email_use_the_unique_index(db, queryset, index):
    assert index in _plan(queryset())


def test_lookups_ignore_case_on_both_sides(alice):
    assert User.objects.with_username("ALICE").get() == alice
    assert User.objects.with_email("ALICE@EXAMPLE.ORG").get() == alice
    assert User.objects.with_login("Alice@example.org").get() == alice
    assert User.objects.with_login("aLiCe").get() == alice
