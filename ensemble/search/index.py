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


def find(query: str, *, kind: str = "", subkind: str = "", limit: int = 20,
         offset: int = 0) -> list[Hit]:  # fmt: skip
    """Public documents matching every word (the last as a prefix), best first: relevance
    (title above tags above body), then recency."""
    words = terms(query)
    if not words:
        return []
    filters: list[str] = ["d.public"]
    params: list[str | int] = []
    if kind:
        filters.append("d.kind = %s")
        params.append(kind)
    if subkind:
        filters.append("d.subkind = %s")
        params.append(subkind)
    where = " AND ".join(filters)
    if connection.vendor == "postgresql":
        tsquery = " & ".join([*words[:-1], words[-1] + ":*"])
        sql = (
            "SELECT d.kind, d.object_id, d.subkind, "  # noqa: S608 - fixed filters; values are parameters
            "ts_headline('simple', d.title, q, %s), "
            "ts_headline('simple', d.body, q, %s) "
            "FROM search_document d, to_tsquery('simple', %s) q "
            f"WHERE d.vector @@ q AND {where} "
            "ORDER BY ts_rank_cd(d.vector, q) / "
            "(1 + EXTRACT(EPOCH FROM (now() - d.updated_at)) / 31557600.0) DESC, d.id DESC "
            "LIMIT %s OFFSET %s"
        )
        marks = f"StartSel={OPEN}, StopSel={CLOSE}"
        whole, excerpt = f"{marks}, HighlightAll=true", f"{marks}, MaxWords=30, MinWords=12"
        args: list[str | int] = [whole, excerpt, tsquery, *params, limit, offset]
    else:
        match = " ".join(f'"{w}"' for w in words[:-1]) + f' "{words[-1]}"*'
        sql = (
            "SELECT d.kind, d.object_id, d.subkind, "  # noqa: S608 - fixed filters; values are parameters
            "highlight(search_fts, 0, char(2), char(3)), "
            "snippet(search_fts, 1, char(2), char(3), '…', 24) "
            "FROM search_fts JOIN search_document d ON d.id = search_fts.rowid "
            f"WHERE search_fts MATCH %s AND {where} "
            "ORDER BY bm25(search_fts, 10.0, 1.0, 4.0) "
            "+ (julianday('now') - julianday(d.updated_at)) / 365.0, d.id DESC "
            "LIMIT %s OFFSET %s"
        )
        args = [match.strip(), *params, limit, offset]
    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        rows = cursor.fetchall()
    return [Hit(k, int(i), s, _marked(t), _marked(b)) for k, i, s, t, b in rows]
