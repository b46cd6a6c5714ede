"""`ensemble serve` gives SQLite's planner its statistics (core/dbstats.py)."""

from __future__ import annotations

import pytest
from django.db import connection

from ensemble.core import dbstats
from ensemble.records.testing import make_record

pytestmark = pytest.mark.django_db


def test_sqlite_gets_statistics_for_every_table_with_rows(alice, django_assert_num_queries):
    make_record(alice, title="Something to count")
    if connection.vendor != "sqlite":
        with django_assert_num_queries(0):  # autovacuum keeps PostgreSQL's
            dbstats.refresh_statistics()
        return
    dbstats.refresh_statistics()
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
        analysed = {row[0] for row in cursor.fetchall()}
    assert {"records_record", "records_version", "accounts_user"} <= analysed
