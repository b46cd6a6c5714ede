"""Generated rows into a migrated throwaway database, the way the database benchmarks load
their data (lineage.py, projects.py, payments.py, community.py).

A benchmark describes its rows as a function `rows(table, suffix)` yielding tuples in the
order of its `tables[table]` columns, with timestamps written by a `Stamps` ending in
`suffix` ("" for SQLite, which Django stores naive in UTC; "+00" for PostgreSQL). The
loaders then do what a restore does:

- SQLite: executemany per table, all in one transaction, each table's sequence set to
  its largest id, ANALYZE. With `rebuild_indexes`: journalling and syncing off during the
  load and the secondary indexes dropped first and rebuilt after (sorted builds, not
  random inserts), then the WAL journal Django expects.
- PostgreSQL: COPY per table (text format), sequences set, VACUUM ANALYZE (as autovacuum
  would leave it). With `rebuild_indexes`: foreign-key triggers skipped (the rows are
  consistent by construction) and secondary indexes rebuilt after, as pg_restore does.

Every NOT NULL column without a default must be loaded: the schema may grow, and this
says which column the benchmark forgot rather than failing on the first row.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from harness import BenchError, Database, Laps

Tables = Mapping[str, tuple[str, ...]]
Rows = Callable[[str, str], Iterable[tuple]]


def words(text: str) -> tuple[str, ...]:
    """The words of `text`: long lists of names (columns, vocabularies) without a line each."""
    return tuple(text.split())


# The tables every benchmark loads, their columns in the order the row helpers yield.
USER = words(
    "id password last_login is_superuser first_name last_name is_staff is_active date_joined "
    "username email email_verified_at display_name bio bio_html avatar links name_skeleton "
    "username_skeleton suspension_reason blocks_someone deletion_keeps_records"
)
RECORD = words(
    "id kind title description description_html licence visibility version_count created_at "
    "updated_at published_at deleted_at owner_id current_version_id hidden_reason"
)
SOURCE = words(
    "id kind note part start_seconds end_seconds source_licence created_at created_by_id "
    "derived_id source_id source_version_id source_owner_id"
)


def member(
    uid: int,
    username: str,
    name: str,
    joined: str,
    *,
    verified: str | None = None,
    active: bool = True,
    bio: str = "",
    bio_html: str = "",
) -> tuple:
    """A row of accounts_user: a member who never signs in with a password, with the
    look-alike skeletons `User.save` stores."""
    from ensemble.accounts.lookalikes import skeleton

    email = f"{username}@example.test"
    return (
        uid,
        "!",
        None,
        False,
        "",
        "",
        False,
        active,
        joined,
        username,
        email,
        verified,
        name,
        bio,
        bio_html,
        "",
        "[]",
        skeleton(name),
        skeleton(username),
        "",
        False,
        True,
    )


def record(
    rid: int,
    kind: str,
    title: str,
    at: str,
    owner: int,
    *,
    text: str = "",
    text_html: str = "",
    public: bool = True,
    versions: int = 0,
    current: int | None = None,
) -> tuple:
    """A row of records_record, made, changed and (if public) published `at`."""
    visibility, published = ("public", at) if public else ("draft", None)
    return (
        rid,
        kind,
        title,
        text,
        text_html,
        "accord",
        visibility,
        versions,
        at,
        at,
        published,
        None,
        owner,
        current,
        "",
    )


# The columns of records_version, in the order `ready_picture` gives them.
VERSION = words(
    "id number change_note created_at folder original_file original_name size sha256 fmt "
    "mime label extension state failure_reason progress attempts heartbeat_at ready_at "
    "metadata body_html purged_at record_id uploaded_by_id"
)
PICTURE_METADATA = '{"width": 3000, "height": 2000, "plays_in_browser": true, "animated": false}'


def ready_picture(vid: int, name: str, at: str, owner: int) -> tuple:
    """A row of records_version: record `vid`'s first version, a processed 3000×2000 JPEG
    uploaded as `name` by `owner` (its renditions are rows of records_rendition)."""
    return (
        vid,
        1,
        "",
        at,
        f"bench-{vid:08d}",
        "original.jpg",
        name,
        2_400_000 + vid,
        f"{vid:064x}",
        "JPEG",
        "image/jpeg",
        "JPEG image",
        "jpg",
        "ready",
        "",
        100,
        1,
        at,
        at,
        PICTURE_METADATA,
        "",
        None,
        vid,
        owner,
    )


def source(
    n: int, kind: str, note: str, at: str, by: int, derived: int, cited: int, cited_owner: int
) -> tuple:
    """A row of lineage_source: `derived` cites `cited` (whole, no version named), whose
    owner is `cited_owner` (the edge keeps it for the home feed)."""
    return n, kind, note, "", None, None, "accord", at, by, derived, cited, None, cited_owner


class Stamps:
    """Seconds after `base` (a midnight) → a timestamp string, without a datetime per row;
    from `days_before` days before `base` to `days` days after it."""

    def __init__(self, base: datetime, suffix: str, *, days: int, days_before: int = 0) -> None:
        origin = base - timedelta(days=days_before)
        self.days = [
            (origin + timedelta(days=d)).date().isoformat() for d in range(days_before + days)
        ]
        self.offset = days_before * 86400
        self.suffix = suffix

    def at(self, seconds: int) -> str:
        day, second = divmod(seconds + self.offset, 86400)
        return (
            f"{self.days[day]} {second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}"
            f"{self.suffix}"
        )


def load(
    db: Database, tables: Tables, rows: Rows, laps: Laps, *, rebuild_indexes: bool = False
) -> None:
    """Load every table into `db`, the way its engine loads fastest (below)."""
    if db.engine == "sqlite":
        load_sqlite(db.path, tables, rows, laps, rebuild_indexes=rebuild_indexes)
    else:
        load_postgres(db.dsn, tables, rows, laps, rebuild_indexes=rebuild_indexes)


def check_required(tables: Tables, table: str, required: Iterable[str]) -> None:
    missing = sorted(set(required) - set(tables[table]))
    if missing:
        raise BenchError(f"{table} has required columns the bench does not fill: {missing}")


# --- SQLite ----------------------------------------------------------------------------


def load_sqlite(
    path: Path,
    tables: Tables,
    rows: Rows,
    laps: Laps,
    *,
    rebuild_indexes: bool = False,
    fulltext: Callable[[sqlite3.Connection], object] | None = None,
) -> None:
    """Load every table, timing "rows", "index" (with `rebuild_indexes`), "fulltext"
    (`fulltext(db)`, after the indexes) and "analyze" into `laps`."""
    db = sqlite3.connect(path, isolation_level=None)
    try:
        for table in tables:
            info = db.execute(f"PRAGMA table_info({table})").fetchall()
            check_required(
                tables, table, [c[1] for c in info if c[3] and c[4] is None and not c[5]]
            )
        indexes = []
        if rebuild_indexes:
            for pragma in (
                "journal_mode=OFF",
                "synchronous=OFF",
                "foreign_keys=OFF",
                "cache_size=-1000000",
                "temp_store=MEMORY",
            ):
                db.execute(f"PRAGMA {pragma}")
            # The indexes backing UNIQUE constraints (sql IS NULL) cannot be dropped and stay.
            marks = ",".join("?" * len(tables))
            indexes = db.execute(
                f"SELECT name, sql FROM sqlite_master WHERE tbl_name IN ({marks}) "  # noqa: S608
                "AND type = 'index' AND sql IS NOT NULL",
                list(tables),
            ).fetchall()
        with laps("rows"):
            for name, _ in indexes:
                db.execute(f'DROP INDEX "{name}"')
            db.execute("BEGIN")
            for table, cols in tables.items():
                insert = f"INSERT INTO {table} ({','.join(cols)}) VALUES "  # noqa: S608
                db.executemany(insert + f"({','.join('?' * len(cols))})", rows(table, ""))
                last = f"SELECT MAX(id) FROM {table}"  # noqa: S608 (table names are constants)
                seq = db.execute(last).fetchone()[0]
                db.execute("INSERT OR REPLACE INTO sqlite_sequence VALUES (?, ?)", (table, seq))
            db.execute("COMMIT")
        if rebuild_indexes:
            with laps("index"):
                for _, sql in indexes:
                    db.execute(sql)
        if fulltext is not None:
            with laps("fulltext"):
                fulltext(db)
        with laps("analyze"):
            db.execute("ANALYZE")
        if rebuild_indexes:
            db.execute("PRAGMA journal_mode=WAL")
    finally:
        db.close()


# --- PostgreSQL ------------------------------------------------------------------------


def copy_text(values: Iterable[tuple], *, escape: bool = False) -> Iterator[bytes]:
    """COPY's text format in pieces of 20,000 rows; `escape` when a value may hold a
    backslash, tab or newline (a search body ends with one)."""
    lines: list[str] = []
    for row in values:
        if escape:
            cells = ("\\N" if v is None else _escaped(str(v)) for v in row)
        else:
            cells = ("\\N" if v is None else str(v) for v in row)
        lines.append("\t".join(cells))
        if len(lines) == 20_000:
            yield ("\n".join(lines) + "\n").encode()
            lines = []
    if lines:
        yield ("\n".join(lines) + "\n").encode()


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r")


def copy_rows(db: Any, table: str, cols: Iterable[str], values: Iterable[tuple], **kw: Any) -> None:
    """COPY `values` into `table` (psycopg connection `db`)."""
    with db.cursor().copy(f"COPY {table} ({','.join(cols)}) FROM STDIN") as cp:
        for piece in copy_text(values, **kw):
            cp.write(piece)


def check_postgres(db: Any, tables: Tables) -> None:
    for table in tables:
        required = db.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
            "AND is_nullable = 'NO' AND column_default IS NULL",
            [table],
        ).fetchall()
        check_required(tables, table, [c for (c,) in required])


def fast_postgres(db: Any, tables: Tables) -> list[tuple[str, str]]:
    """Turn off what a bulk load does not need, and return the tables' secondary indexes
    (name, definition) for the caller to drop and rebuild."""
    db.execute("SET session_replication_role = replica")
    db.execute("SET synchronous_commit = off")
    db.execute("SET maintenance_work_mem = '1GB'")
    return db.execute(
        "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
        "JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
        "WHERE t.relname = ANY(%s) AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)",
        [list(tables)],
    ).fetchall()


def set_sequences(db: Any, tables: Iterable[str]) -> None:
    for table in tables:
        last = f"SELECT MAX(id) FROM {table}"  # noqa: S608 (table names are constants)
        db.execute(f"SELECT setval(pg_get_serial_sequence(%s, 'id'), ({last}))", [table])


def vacuum_analyze(dsn: str, laps: Laps) -> float:
    """VACUUM ANALYZE, timed as "analyze"; the database's size in MB."""
    import psycopg

    with laps("analyze"), psycopg.connect(dsn, autocommit=True) as db:
        db.execute("VACUUM ANALYZE")
        (size,) = db.execute("SELECT pg_database_size(current_database())").fetchall()[0]
    return size / 1e6


def load_postgres(
    dsn: str, tables: Tables, rows: Rows, laps: Laps, *, rebuild_indexes: bool = False
) -> None:
    """Load every table, timing "rows", "index" (with `rebuild_indexes`) and "analyze"."""
    import psycopg

    with psycopg.connect(dsn) as db:
        check_postgres(db, tables)
        indexes = fast_postgres(db, tables) if rebuild_indexes else []
        with laps("rows"):
            for name, _ in indexes:
                db.execute(f'DROP INDEX "{name}"')
            # One transaction: Django's foreign keys are deferred, so rows pointing at
            # each other (records and their versions) load in any order.
            for table, cols in tables.items():
                copy_rows(db, table, cols, rows(table, "+00"))
            set_sequences(db, tables)
            db.commit()
        if rebuild_indexes:
            with laps("index"):
                for _, sql in indexes:
                    db.execute(sql)
                db.commit()
    vacuum_analyze(dsn, laps)
