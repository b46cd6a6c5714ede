"""`ensemble serve` fills the gaps in SQLite's planner statistics (core/dbstats.py)."""

from __future__ import annotations

import pytest
from django.db import connection

from ensemble.core import dbstats
from ensemble.records.testing import make_record

pytestmark = pytest.mark.django_db


def _stats(index: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT stat FROM sqlite_stat1 WHERE idx = %s", [index])
        return [row[0] for row in cursor.fetchall()]


def test_an_index_added_after_analysis_gets_full_statistics(alice, django_assert_num_queries):
    for n in range(3):
        make_record(alice, title=f"Record {n}")
    if connection.vendor != "sqlite":
        with django_assert_num_queries(0):  # autovacuum keeps PostgreSQL's
            assert dbstats.refresh_statistics() == []
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute('CREATE INDEX "test_record_title" ON "records_record" ("title")')
    # Also partial indexes no row is in yet (drafts only here): analysing them is free.
    assert "test_record_title" in dbstats.unanalysed_indexes()
    assert "test_record_title" in dbstats.refresh_statistics()
    assert _stats("test_record_title") == ["3 1"]  # counted, not sampled
    assert "test_record_title" not in dbstats.unanalysed_indexes()
    assert "records_record_owner_id_fbe53451" not in dbstats.refresh_statistics()


def test_a_database_never_analysed_keeps_sqlites_defaults(django_assert_num_queries):
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if cursor.fetchone() is not None:
                cursor.execute("DELETE FROM sqlite_stat1")  # rolled back with the test
    with django_assert_num_queries(1 if connection.vendor == "sqlite" else 0):
        dbstats.refresh_statistics()
