"""One small interface over two full-text engines: FTS5 on SQLite, tsvector on PostgreSQL.

`put` and `drop` keep the index; the services that change content call them (a record
published, edited or removed; a project or call saved; a profile saved). `find` answers
a query with relevance plus recency and highlighted matches, and only ever returns
documents marked public.

Users' text never reaches either engine's query syntax: it is cut into words (letters
and digits), each becomes a literal term, the last also a prefix. Quotes, `*`, `NEAR`,
`OR`, parentheses are just characters that separate words.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from ensemble.search.models import Document

WORD = re.compile(r"[^\W_]+")
MAX_TERMS = 12
MAX_BODY = 100_000  # characters of a long text that are indexed
OPEN, CLOSE = "\x02", "\x03"  # highlight marks, never in stored text


@dataclass(frozen=True)
class Hit:
    kind: str
    object_id: int
    subkind: str
    title_html: str  # escaped, matches in <mark>
    snippet_html: str


def _plain(text: str, limit: int) -> str:
    return (text or "").replace(OPEN, " ").replace(CLOSE, " ")[:limit]


def terms(query: str) -> list[str]:
    return [w.lower() for w in WORD.findall(query or "")][:MAX_TERMS]


def put(kind: str, object_id: int, *, title: str, body: str = "", tags: str = "",
        subkind: str = "", public: bool = True) -> None:  # fmt: skip
    """Add or replace the document for a thing (in the caller's transaction)."""
    title, body, tags = _plain(title, 300), _plain(body, MAX_BODY), _plain(tags, 600)
    with transaction.atomic():
        old = Document.objects.filter(kind=kind, object_id=object_id).first()
        if old is not None and connection.vendor == "sqlite":
            _fts_delete(old)
        doc, _ = Document.objects.update_or_create(
            kind=kind, object_id=object_id,
            defaults={"title": title, "body": body, "tags": tags, "subkind": subkind,
                      "public": public, "updated_at": timezone.now()},
        )  # fmt: skip
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute(
                    "INSERT INTO search_fts(rowid, title, body, tags) VALUES (%s, %s, %s, %s)",
                    [doc.pk, title, body, tags],
                )
            elif connection.vendor == "postgresql":
                cursor.execute(
                    "UPDATE search_document SET vector = "
                    "setweight(to_tsvector('simple', title), 'A') || "
                    "setweight(to_tsvector('simple', tags), 'B') || "
                    "setweight(to_tsvector('simple', body), 'C') WHERE id = %s",
                    [doc.pk],
                )


def _fts_delete(doc: Document) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO search_fts(search_fts, rowid, title, body, tags) "
            "VALUES ('delete', %s, %s, %s, %s)",
            [doc.pk, doc.title, doc.body, doc.tags],
        )


def drop(kind: str, object_id: int) -> None:
    """Forget a thing (deleted, or private again)."""
    with transaction.atomic():
        doc = Document.objects.filter(kind=kind, object_id=object_id).first()
        if doc is None:
            return
        if connection.vendor == "sqlite":
            _fts_delete(doc)
        doc.delete()


def _marked(text: str) -> str:
    return html.escape(text or "").replace(OPEN, "<mark>").replace(CLOSE, "</mark>")


RANKED = 5_000  # newest matches ranked; see `find`


def find(query: str, *, kind: str = "", subkind: str = "", limit: int = 20,
         offset: int = 0) -> list[Hit]:  # fmt: skip
    """Public documents matching every word (the last as a prefix), best first: relevance
    (title above tags above body), then recency.

    Only the RANKED newest matches are ranked: a word in a tenth of a million documents
    matched 100,000 of them, and ranking them all took 250 ms (docs/benchmarks.md); the
    newest 5,000 take ~20 ms. Highlights are made for the page's rows only.
    """
    words = terms(query)
    if not words:
        return []
    filters, params = ["d.public"], []
    if kind:
        filters.append("d.kind = %s")
        params.append(kind)
    if subkind:
        filters.append("d.subkind = %s")
        params.append(subkind)
    where = " AND ".join(filters)
    if connection.vendor == "postgresql":
        return _find_postgres(words, where, params, limit, offset)
    return _find_sqlite(words, where, params, limit, offset)


def _rows(sql: str, args: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        return cursor.fetchall()


def _find_sqlite(words: list[str], where: str, params: list[Any], limit: int,
                 offset: int) -> list[Hit]:  # fmt: skip
    match = (" ".join(f'"{w}"' for w in words[:-1]) + f' "{words[-1]}"*').strip()
    ranked = _rows(
        "WITH recent(id) AS ("  # noqa: S608 - fixed filters; values are parameters
        "SELECT search_fts.rowid FROM search_fts JOIN search_document d "
        f"ON d.id = search_fts.rowid WHERE search_fts MATCH %s AND {where} "
        "ORDER BY search_fts.rowid DESC LIMIT %s) "
        "SELECT d.id, d.kind, d.object_id, d.subkind FROM search_fts "
        "JOIN search_document d ON d.id = search_fts.rowid "
        "WHERE search_fts MATCH %s AND search_fts.rowid IN (SELECT id FROM recent) "
        "ORDER BY bm25(search_fts, 10.0, 1.0, 4.0) "
        "+ (julianday('now') - julianday(d.updated_at)) / 365.0, d.id DESC "
        "LIMIT %s OFFSET %s",
        [match, *params, RANKED, match, limit, offset],
    )
    if not ranked:
        return []
    marks = ",".join(["%s"] * len(ranked))
    shown = {
        row[0]: row[1:]
        for row in _rows(
            "SELECT rowid, highlight(search_fts, 0, char(2), char(3)), "  # noqa: S608
            "snippet(search_fts, 1, char(2), char(3), '…', 24) FROM search_fts "
            f"WHERE search_fts MATCH %s AND rowid IN ({marks})",
            [match, *[r[0] for r in ranked]],
        )
    }
    return [Hit(k, int(i), sk, _marked(shown[d][0]), _marked(shown[d][1]))
            for d, k, i, sk in ranked if d in shown]  # fmt: skip


def _find_postgres(words: list[str], where: str, params: list[Any], limit: int,
                   offset: int) -> list[Hit]:  # fmt: skip
    tsquery = " & ".join([*words[:-1], words[-1] + ":*"])
    ranked = _rows(
        "WITH q AS (SELECT to_tsquery('simple', %s) AS q), recent AS ("  # noqa: S608
        f"SELECT d.id FROM search_document d, q WHERE d.vector @@ q.q AND {where} "
        "ORDER BY d.id DESC LIMIT %s) "
        "SELECT d.id, d.kind, d.object_id, d.subkind FROM search_document d "
        "JOIN recent USING (id), q "
        "ORDER BY ts_rank_cd(d.vector, q.q) / "
        "(1 + EXTRACT(EPOCH FROM (now() - d.updated_at)) / 31557600.0) DESC, d.id DESC "
        "LIMIT %s OFFSET %s",
        [tsquery, *params, RANKED, limit, offset],
    )
    if not ranked:
        return []
    marks = f"StartSel={OPEN}, StopSel={CLOSE}"
    shown = {
        row[0]: row[1:]
        for row in _rows(
            "SELECT d.id, ts_headline('simple', d.title, q, %s), "
            "ts_headline('simple', d.body, q, %s) "
            "FROM search_document d, to_tsquery('simple', %s) q WHERE d.id = ANY(%s)",
            [f"{marks}, HighlightAll=true", f"{marks}, MaxWords=30, MinWords=12", tsquery,
             [r[0] for r in ranked]],
        )
    }  # fmt: skip
    return [Hit(k, int(i), sk, _marked(shown[d][0]), _marked(shown[d][1]))
            for d, k, i, sk in ranked if d in shown]  # fmt: skip
