"""bench/bulkload.py: the shared rows and the SQLite loader (PostgreSQL's needs a server)."""

import sqlite3
from datetime import datetime

import pytest
from bulkload import (
    RECORD,
    SOURCE,
    USER,
    Stamps,
    copy_text,
    load_sqlite,
    member,
    record,
    source,
    words,
)
from harness import BenchError, Laps


def test_rows_of_the_shared_tables_fill_every_column():
    alice = member(1, "alice", "Alice Archer", "2026-01-01 00:00:00")
    assert len(alice) == len(USER)
    row = dict(zip(USER, alice, strict=True))
    assert row["email"] == "alice@example.test"
    assert row["is_active"] is True
    assert row["name_skeleton"] == "allce archer"  # as User.save stores it: i folded into l
    assert row["username_skeleton"] == "allce"
    draft = dict(zip(RECORD, record(7, "image", "Sketch", "at", 1, public=False), strict=True))
    assert (draft["visibility"], draft["published_at"]) == ("draft", None)
    edge = dict(zip(SOURCE, source(1, "uses", "", "at", 1, 7, 3, 2), strict=True))
    assert (edge["derived_id"], edge["source_id"], edge["source_owner_id"]) == (7, 3, 2)


def test_stamps_count_seconds_from_a_midnight_either_way():
    stamps = Stamps(datetime(2025, 6, 1), "+00", days=2, days_before=1)
    assert stamps.at(0) == "2025-06-01 00:00:00+00"
    assert stamps.at(86400 + 3661) == "2025-06-02 01:01:01+00"
    assert stamps.at(-1) == "2025-05-31 23:59:59+00"


def test_copy_text_writes_nulls_and_escapes_only_when_asked():
    assert b"".join(copy_text([(1, None, "a")])) == b"1\t\\N\ta\n"
    escaped = b"".join(copy_text([("line\n", "tab\t", "back\\")], escape=True))
    assert escaped == b"line\\n\ttab\\t\tback\\\\\n"
    pieces = list(copy_text((n,) for n in range(20_001)))
    assert len(pieces) == 2


SCHEMA = """
CREATE TABLE thing (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, note TEXT);
CREATE INDEX thing_name ON thing (name);
"""


def test_sqlite_is_loaded_with_its_indexes_rebuilt_and_its_sequence_set(tmp_path):
    path = tmp_path / "db.sqlite3"
    with sqlite3.connect(path) as db:
        db.executescript(SCHEMA)
    laps = Laps()
    tables = {"thing": words("id name")}
    load_sqlite(
        path, tables, lambda table, suffix: [(1, "a"), (5, "b")], laps, rebuild_indexes=True
    )
    assert set(laps) == {"rows", "index", "analyze"}
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT id, name FROM thing ORDER BY id").fetchall() == [
            (1, "a"),
            (5, "b"),
        ]
        assert db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'thing'").fetchone() == (5,)
        index = db.execute("SELECT name FROM sqlite_master WHERE type = 'index'").fetchall()
        assert index == [("thing_name",)]
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_a_required_column_left_out_is_named(tmp_path):
    path = tmp_path / "db.sqlite3"
    with sqlite3.connect(path) as db:
        db.executescript(SCHEMA)
    with pytest.raises(BenchError, match=r"thing has required columns .* \['name'\]"):
        load_sqlite(path, {"thing": ("id", "note")}, lambda table, suffix: [], Laps())
