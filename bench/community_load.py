"""bench/community.py's world as rows, loaded with the full-text index filled in bulk.

The rows (bench/bulkload.py) are the tables' plus one search document per public record
and per member, as `records.indexing.reindex` and `accounts.indexing.reindex` would write
them. The full-text index is filled with the SQL `index.put` runs, for every document at
once: SQLite's FTS5 `rebuild` of the external-content table; on PostgreSQL the same
weighted `to_tsvector` expression, then the GIN index.
"""

from __future__ import annotations

from collections.abc import Iterator

import bulkload
from bulkload import RECORD, SOURCE, USER, Stamps, words
from community_world import BASE, JOINED_BEFORE, KINDS, MEMBERS, READER, STEP, TAGS, World
from harness import BenchError, Database, Laps

TABLES = {
    "accounts_user": USER,
    "records_tag": words("id name"),
    "records_record": (*RECORD, "heart_count"),
    "records_record_tags": words("id record_id tag_id"),
    "lineage_source": SOURCE,
    "community_follow": words("id created_at follower_id person_id project_id"),
    "search_document": words("id kind object_id title body tags subkind public updated_at"),
}
# The expression index.put writes, for every document at once.
VECTOR = (
    "setweight(to_tsvector('simple', title), 'A') || "
    "setweight(to_tsvector('simple', tags), 'B') || "
    "setweight(to_tsvector('simple', body), 'C')"
)


def joined(u: int) -> int:
    return -JOINED_BEFORE + u * (JOINED_BEFORE // (MEMBERS + 1))


def username(u: int) -> str:
    return "reader" if u == READER else f"member{u}"


def table_rows(w: World, table: str, suffix: str) -> Iterator[tuple]:
    """The rows of one table, as tuples in TABLES' column order."""
    at = Stamps(BASE, suffix, days=600, days_before=400).at
    if table == "accounts_user":
        for u in range(1, w.members + 1):
            bio = w.bios[u]
            html = f"<p>{bio}</p>" if bio else ""
            made = at(joined(u))
            yield bulkload.member(
                u, username(u), w.names[u], made, verified=made, bio=bio, bio_html=html
            )
    elif table == "records_tag":
        yield from enumerate(TAGS, 1)
    elif table == "records_record":
        for r in range(1, w.records + 1):
            text = w.description[r]
            yield (
                *bulkload.record(
                    r,
                    KINDS[w.kind[r]],
                    w.title[r],
                    at(r * STEP),
                    w.owner[r],
                    text=text,
                    text_html=f"<p>{text}</p>",
                    public=bool(w.public[r]),
                ),
                0,  # heart_count
            )
    elif table == "records_record_tags":
        n = 0
        for r in range(1, w.records + 1):
            for t in w.tags[r]:
                n += 1
                yield n, r, t
    elif table == "lineage_source":
        for n, (d, s) in enumerate(w.edges, 1):
            kind = "inspired_by" if n % 5 == 0 else "uses"
            yield bulkload.source(n, kind, "", at(d * STEP), w.owner[d], d, s, w.owner[s])
    elif table == "community_follow":
        for n, (u, p) in enumerate(w.follows, 1):
            yield n, at(joined(u) + 3600), u, p, None
    elif table == "search_document":
        # A member's document has no tags (no skills). A record's body is the words of its
        # description as Markdown renders them (plain text here: the description and the
        # line end Markdown adds), a newline, then no version text; its tags by name, as
        # `record.tags` orders them. The child checks these against the real `reindex`.
        for u in range(1, w.members + 1):
            title = f"{w.names[u]} @{username(u)}"
            yield u, "person", u, title, w.bios[u], "", "", True, at(joined(u))
        n = w.members
        for r in range(1, w.records + 1):
            if not w.public[r]:
                continue
            n += 1
            tags = " ".join(sorted(TAGS[t - 1] for t in w.tags[r]))
            body, kind = f"{w.description[r]}\n\n", KINDS[w.kind[r]]
            yield n, "record", r, w.title[r], body, tags, kind, True, at(r * STEP)


def load(w: World, db: Database, laps: Laps) -> float:
    """Load the world into `db`, timing "rows", "index", "fulltext" and "analyze"; the
    database's size in MB."""
    return load_with_documents(db, TABLES, lambda table, sfx: table_rows(w, table, sfx), laps)


def load_with_documents(
    db: Database, tables: bulkload.Tables, rows: bulkload.Rows, laps: Laps
) -> float:
    """Load `tables` (search_document among them) into `db` with the full-text index
    filled in bulk, timing "rows", "index", "fulltext" and "analyze"; the size in MB."""
    if db.engine == "sqlite":
        bulkload.load_sqlite(
            db.path,
            tables,
            rows,
            laps,
            rebuild_indexes=True,
            fulltext=lambda sqlite: sqlite.execute(
                "INSERT INTO search_fts(search_fts) VALUES('rebuild')"
            ),
        )
        return db.path.stat().st_size / 1e6
    return load_postgres(db.dsn, tables, rows, laps)


def load_postgres(dsn: str, tables: bulkload.Tables, rows: bulkload.Rows, laps: Laps) -> float:
    import psycopg

    with psycopg.connect(dsn) as db:
        bulkload.check_postgres(db, tables)
        indexes = bulkload.fast_postgres(db, tables)
        fulltext = [(name, sql) for name, sql in indexes if "USING gin" in sql]
        if len(fulltext) != 1:
            raise BenchError(f"Expected one GIN index on search_document, found {fulltext}")
        indexes = [i for i in indexes if i not in fulltext]
        with laps("rows"):
            for name, _ in (*indexes, *fulltext):
                db.execute(f'DROP INDEX "{name}"')
            # Documents go through a staging table, so that each row is written once with
            # its vector (an UPDATE after would leave a second version of every row behind).
            db.execute(
                "CREATE TEMP TABLE bench_document (id bigint, kind text, object_id bigint, "
                "title text, body text, tags text, subkind text, public boolean, "
                "updated_at timestamptz)"
            )
            for table, cols in tables.items():
                target = "bench_document" if table == "search_document" else table
                bulkload.copy_rows(db, target, cols, rows(table, "+00"), escape=True)
        with laps("fulltext"):
            doc_cols = ",".join(tables["search_document"])
            db.execute(
                f"INSERT INTO search_document ({doc_cols}, vector) "  # noqa: S608 (constants)
                f"SELECT {doc_cols}, {VECTOR} FROM bench_document ORDER BY id"
            )
            db.execute("DROP TABLE bench_document")
            for _, sql in fulltext:
                db.execute(sql)
        bulkload.set_sequences(db, tables)
        db.commit()
        with laps("index"):
            for _, sql in indexes:
                db.execute(sql)
            db.commit()
    return bulkload.vacuum_analyze(dsn, laps)
