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


@dataclass(frozen=True)
class Hit:
    kind: str
    object_id: int
    subkind: str
    title_html: str  # escaped, matches in <mark>
    snippet_html: str


def _plain(text: str, limit: int) -> str:
    return (text or "")[:limit]


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


RANKED = 5_000  # newest matches ranked; see `find`


def find(query: str, *, kind: str = "", subkind: str = "", limit: int = 20, offset: int = 0,
         only: tuple[str, list[Any]] | None = None) -> list[Hit]:  # fmt: skip
    """Public documents matching every word (the last as a prefix), best first: relevance
    (title above tags above body), then recency. `only`: one more SQL condition with its
    parameters, on the document as `d` (the search filters that live on the found
    things themselves, such as a record's licence; see `results.record_filter`).

    Only the RANKED newest matches are ranked: a word in a tenth of a million documents
    matched 100,000 of them, and ranking them all took 250 ms (docs/benchmarks.md); the
    newest 5,000 take ~20–60 ms. Highlights are made here, for the page's rows only.
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
    if only is not None:
        filters.append(f"({only[0]})")
        params.extend(only[1])
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
    # The rowid of the RANKED-th newest match bounds the ranked query (an IN list of
    # 5,000 ids made FTS5 check every match against it: a minute at a million).
    bound = _rows(
        "SELECT search_fts.rowid FROM search_fts JOIN search_document d "  # noqa: S608
        f"ON d.id = search_fts.rowid WHERE search_fts MATCH %s AND {where} "
        "ORDER BY search_fts.rowid DESC LIMIT 1 OFFSET %s",
        [match, *params, RANKED - 1],
    )
    rows = _rows(
        "SELECT d.kind, d.object_id, d.subkind, d.title, d.body FROM search_fts "  # noqa: S608
        "JOIN search_document d ON d.id = search_fts.rowid "
        f"WHERE search_fts MATCH %s AND search_fts.rowid >= %s AND {where} "
        "ORDER BY bm25(search_fts, 10.0, 1.0, 4.0) "
        "+ (julianday('now') - julianday(d.updated_at)) / 365.0, d.id DESC "
        "LIMIT %s OFFSET %s",
        [match, bound[0][0] if bound else 0, *params, limit, offset],
    )
    return [_hit(row, words) for row in rows]


def _find_postgres(words: list[str], where: str, params: list[Any], limit: int,
                   offset: int) -> list[Hit]:  # fmt: skip
    tsquery = " & ".join([*words[:-1], words[-1] + ":*"])
    # The query is written out in each place, not shared through a CTE: Django binds
    # parameters on the client, so the planner sees the words and its statistics tell it
    # how common they are. A common word is then read newest first along the primary key
    # (5,000 matches in ~30 ms at a million documents); a rare one through the GIN index.
    # Behind a CTE it guessed "rare" for every word and fetched all 107,000 matches of
    # a common one to sort them (240 ms; docs/benchmarks.md).
    rows = _rows(
        "SELECT doc.kind, doc.object_id, doc.subkind, doc.title, doc.body "  # noqa: S608
        "FROM search_document doc JOIN ("
        "SELECT d.id FROM search_document d WHERE d.vector @@ to_tsquery('simple', %s) "
        f"AND {where} ORDER BY d.id DESC LIMIT %s) recent USING (id) "
        "ORDER BY ts_rank_cd(doc.vector, to_tsquery('simple', %s)) / "
        "(1 + EXTRACT(EPOCH FROM (now() - doc.updated_at)) / 31557600.0) DESC, doc.id DESC "
        "LIMIT %s OFFSET %s",
        [tsquery, *params, RANKED, tsquery, limit, offset],
    )
    return [_hit(row, words) for row in rows]


def _pattern(words: list[str]) -> re.Pattern[str]:
    """The query's words in text: whole words, the last also as a prefix."""
    parts = [rf"{re.escape(w)}(?![^\W_])" for w in words[:-1]]
    parts.append(rf"{re.escape(words[-1])}[^\W_]*")
    return re.compile(rf"(?<![^\W_])(?:{'|'.join(parts)})", re.IGNORECASE)


def _mark(text: str, pattern: re.Pattern[str]) -> str:
    """Escaped text with the matches in <mark>: done here, for the page's rows only, the
    same on both databases."""
    out, at = [], 0
    for found in pattern.finditer(text):
        out += [html.escape(text[at : found.start()]), "<mark>", html.escape(found.group()),
                "</mark>"]  # fmt: skip
        at = found.end()
    out.append(html.escape(text[at:]))
    return "".join(out)


def _snippet(body: str, pattern: re.Pattern[str], width: int = 160) -> str:
    found = pattern.search(body)
    if found is None:
        return _mark(body[:width] + ("…" if len(body) > width else ""), pattern)
    start = max(0, found.start() - width // 3)
    end = min(len(body), start + width)
    text = ("…" if start else "") + body[start:end] + ("…" if end < len(body) else "")
    return _mark(text, pattern)


def _hit(row: tuple[Any, ...], words: list[str]) -> Hit:
    kind, object_id, subkind, title, body = row
    pattern = _pattern(words)
    return Hit(kind, int(object_id), subkind, _mark(title, pattern), _snippet(body, pattern))
