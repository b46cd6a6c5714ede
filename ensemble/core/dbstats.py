"""Planner statistics for SQLite: the gaps filled when the site starts.

SQLite chooses between indexes by the statistics `ANALYZE` stored (sqlite_stat1). In a
database that has some, an index a migration adds later has none and is chosen by guess:
on the 20,000-record bench site one such index made the call page sort 5,000 entries
instead of walking an index (0.3 → 20 ms). So on start every index without statistics is
analysed, in full: sampling (`PRAGMA analysis_limit`) is no use here, as SQLite 3.40 then
took a column holding one value for a thousand (the newest public records, read through
the wrong index and sorted: 15 ms → 400 ms at a million records). A database never
analysed keeps SQLite's defaults, which every query here is also measured with.
PostgreSQL's autovacuum keeps its own statistics; nothing is done there.
"""

from __future__ import annotations

from django.db import connection


def unanalysed_indexes() -> list[str]:
    """Indexes without statistics on tables that have some: added since the last
    analysis, or partial ones no row is in yet (free to analyse again). A table empty
    when analysed has none at all, and keeps the defaults."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'")
        if cursor.fetchone() is None:
            return []
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index'"
            " AND tbl_name IN (SELECT tbl FROM sqlite_stat1)"
            " AND name NOT IN (SELECT idx FROM sqlite_stat1 WHERE idx IS NOT NULL) ORDER BY name"
        )
        return [row[0] for row in cursor.fetchall()]


def refresh_statistics() -> list[str]:
    """Analyse the indexes `unanalysed_indexes` names; the names."""
    if connection.vendor != "sqlite":
        return []
    missing = unanalysed_indexes()
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for name in missing:
            cursor.execute(f"ANALYZE {quote(name)}")
    return missing
