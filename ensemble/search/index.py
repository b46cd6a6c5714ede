"""One small interface over two full-text engines: FTS5 on SQLite, tsvector on PostgreSQL.

`put` and `drop` keep the index; the services that change content call them (a record
published, edited or removed; a project or call saved; a profile saved). `find` answers
a query by relevance (title over body, the words together over scattered, then the
engine's score and recency), near-identical titles optionally as one, with highlighted
matches, and only ever returns documents marked public.

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

from ensemble.search.grouping import group_title
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
    group_size: int = 1  # this and its near-identical matches (see `find`'s `group`)


Sql = tuple[str, list[Any]]  # a piece of SQL and its parameters


def _plain(text: str, limit: int) -> str:
    return (text or "")[:limit]


def terms(query: str) -> list[str]:
    return [w.lower() for w in WORD.findall(query or "")][:MAX_TERMS]


def put(
    kind: str,
    object_id: int,
    *,
    title: str,
    body: str = "",
    tags: str = "",
    subkind: str = "",
    public: bool = True,
) -> None:
    """Add or replace the document for a thing (in the caller's transaction)."""
    title, body, tags = _plain(title, 300), _plain(body, MAX_BODY), _plain(tags, 600)
    with transaction.atomic():
        old = Document.objects.filter(kind=kind, object_id=object_id).first()
        if old is not None and connection.vendor == "sqlite":
            _fts_delete(old)
        doc, _ = Document.objects.update_or_create(
            kind=kind,
            object_id=object_id,
            defaults={
                "title": title,
                "body": body,
                "tags": tags,
                "subkind": subkind,
                "public": public,
                "updated_at": timezone.now(),
                "group_title": group_title(title),
            },
        )
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
GROUPED = 1_000  # best of those grouped: as deep as the last page (50 of 20) reaches


def find(
    query: str,
    *,
    kind: str = "",
    subkind: str = "",
    limit: int = 20,
    offset: int = 0,
    only: Sql | None = None,
    group: Sql | None = None,
    like: tuple[str, int] | None = None,
) -> list[Hit]:
    """Public documents matching every word (the last as a prefix), best first:

    1. a title holding every word above one that does not ("title over body");
    2. then the words together, in order, above the words scattered (for two words or
       more; the last word still a prefix);
    3. then the engine's relevance (FTS5's bm25 with title 10, tags 4, body 1;
       PostgreSQL's ts_rank_cd over the weighted vector: title A, tags B, body C),
       divided by 1 + the document's age in years, so that among equals the newer wins
       whatever the word's frequency (an *added* age once let a year outweigh the whole
       relevance of a common word, and drawings tagged "turnip" buried the poem).

    `only`: one more SQL condition with its parameters, on the document as `d` (the
    search filters that live on the found things themselves, such as a record's
    licence; see `results.record_filter`). `group`: an SQL expression on `d` naming who
    a document's near-identical titles may group with (an owner, a call; NULL: nobody).
    With it, documents sharing a `group_title` and that value come back as one hit, the
    best of them, whose `group_size` counts them all; with `like` too (a kind and an
    id), the members of that document's group instead, each as itself.

    Only the RANKED newest matches are ranked, and the GROUPED best of them grouped: a
    word in a tenth of a million documents matched 100,000 of them, and ranking them
    all took 250 ms (docs/benchmarks.md); the newest 5,000 take ~20–60 ms. A group's
    size counts its members among those. Highlights are made here, for the page's rows
    only.
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
        ranked = _ranked_postgres(words, where, params)
    else:
        ranked = _ranked_sqlite(words, where, params)
    sql, args = _page(ranked, group, like)
    return [_hit(row, words) for row in _rows(sql, [*args, limit, offset])]


def _rows(sql: str, args: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        return cursor.fetchall()


# Each engine's ranked candidates: a SELECT of id, kind, object_id, group_title, tier
# (rules 1 and 2 of `find`: 0 to 3) and relevance (rule 3, higher is better), for the
# RANKED newest matches.


def _ranked_sqlite(words: list[str], where: str, params: list[Any]) -> Sql:
    every = " ".join([*(f'"{w}"' for w in words[:-1]), f'"{words[-1]}"*'])
    # The rowid of the RANKED-th newest match bounds the ranked query (an IN list of
    # 5,000 ids made FTS5 check every match against it: a minute at a million).
    found = _rows(
        "SELECT search_fts.rowid FROM search_fts JOIN search_document d "  # noqa: S608
        f"ON d.id = search_fts.rowid WHERE search_fts MATCH %s AND {where} "
        "ORDER BY search_fts.rowid DESC LIMIT 1 OFFSET %s",
        [every, *params, RANKED - 1],
    )
    bound = found[0][0] if found else 0
    # The tiers are FTS5 queries of their own over the same rowid range (a column filter;
    # a phrase), each read once into a set that the candidates are looked up in.
    within = (
        "search_fts.rowid IN "
        "(SELECT rowid FROM search_fts WHERE search_fts MATCH %s AND rowid >= %s)"
    )
    tier, tier_args = f"2 * ({within})", [f"{{title}} : ({every})", bound]
    if len(words) > 1:
        tier += f" + ({within})"
        tier_args += ['"' + " ".join(words) + '"*', bound]
    sql = (
        f"SELECT d.id, d.kind, d.object_id, d.group_title, {tier} AS tier, "  # noqa: S608
        "-bm25(search_fts, 10.0, 1.0, 4.0) "
        "/ (1 + (julianday('now') - julianday(d.updated_at)) / 365.0) AS relevance "
        "FROM search_fts JOIN search_document d ON d.id = search_fts.rowid "
        f"WHERE search_fts MATCH %s AND search_fts.rowid >= %s AND {where}"
    )
    return sql, [*tier_args, every, bound, *params]


def _ranked_postgres(words: list[str], where: str, params: list[Any]) -> Sql:
    every = " & ".join([*words[:-1], words[-1] + ":*"])
    in_title = " & ".join([*(f"{w}:A" for w in words[:-1]), words[-1] + ":*A"])
    # The query is written out in each place, not shared through a CTE: Django binds
    # parameters on the client, so the planner sees the words and its statistics tell it
    # how common they are. A common word is then read newest first along the primary key
    # (5,000 matches in ~30 ms at a million documents); a rare one through the GIN index.
    # Behind a CTE it guessed "rare" for every word and fetched all 107,000 matches of
    # a common one to sort them (240 ms; docs/benchmarks.md). The tiers test each of
    # those rows' vectors (title words carry weight A; `<->` is "followed by").
    tier, tier_args = (
        "CASE WHEN doc.vector @@ to_tsquery('simple', %s) THEN 2 ELSE 0 END",
        [in_title],
    )
    if len(words) > 1:
        tier += " + CASE WHEN doc.vector @@ to_tsquery('simple', %s) THEN 1 ELSE 0 END"
        tier_args.append(" <-> ".join([*words[:-1], words[-1] + ":*"]))
    sql = (
        "SELECT doc.id, doc.kind, doc.object_id, doc.group_title, "  # noqa: S608
        f"{tier} AS tier, "
        "ts_rank_cd(doc.vector, to_tsquery('simple', %s)) "
        "/ (1 + EXTRACT(EPOCH FROM (now() - doc.updated_at)) / 31557600.0) AS relevance "
        "FROM search_document doc JOIN ("
        "SELECT d.id FROM search_document d WHERE d.vector @@ to_tsquery('simple', %s) "
        f"AND {where} ORDER BY d.id DESC LIMIT %s) recent USING (id)"
    )
    return sql, [*tier_args, every, every, *params, RANKED]


def _page(ranked: Sql, group: Sql | None, like: tuple[str, int] | None) -> Sql:
    """The best first, near-identical ones as one (see `find`), or with `like` the
    members of one group; LIMIT and OFFSET follow. Plain SQL both engines run alike
    (window functions: SQLite 3.25+, PostgreSQL). The candidates stay narrow (no text)
    through the sorting; the page's rows get their title and body at the end (carrying
    the text of 5,000 rows through the window sorts made SQLite 3× slower)."""
    order = "r.tier DESC, r.relevance DESC, r.id DESC"
    if group is None:
        best, args = f"SELECT r.*, 1 AS group_size FROM ({ranked[0]}) r", ranked[1]  # noqa: S608
    else:
        # Only the GROUPED best are grouped: window functions over all 5,000 took SQLite
        # three times as long as ranking them. A group's `who` (a scalar subquery) is
        # asked only when the CASE needs it: for a title another match shares. Anything
        # else is a group of its own ('d' and its id).
        top = (
            f"SELECT t.* FROM ({ranked[0]}) t "  # noqa: S608
            f"ORDER BY t.tier DESC, t.relevance DESC, t.id DESC LIMIT {GROUPED}"
        )
        grouped = (
            "SELECT d.*, COALESCE(CASE WHEN d.group_title <> '' AND d.same_title > 1 "  # noqa: S608
            f"THEN d.group_title || '|' || ({group[0]}) END, 'd' || d.id) AS grp FROM ("
            "SELECT c.*, COUNT(*) OVER (PARTITION BY c.group_title) AS same_title "
            f"FROM ({top}) c) d"
        )
        if like is None:
            best = (
                "SELECT r.* FROM (SELECT g.*, ROW_NUMBER() OVER (PARTITION BY g.grp "  # noqa: S608
                "ORDER BY g.tier DESC, g.relevance DESC, g.id DESC) AS place, "
                f"COUNT(*) OVER (PARTITION BY g.grp) AS group_size FROM ({grouped}) g) r "
                "WHERE r.place = 1"
            )
            args = [*group[1], *ranked[1]]
        else:
            # The group of the document named, found among the same candidates as the
            # page that offered the link, so that it lists what that page counted.
            best = (
                "SELECT r.* FROM (SELECT g.*, 1 AS group_size, MAX(CASE WHEN g.kind = %s "  # noqa: S608
                f"AND g.object_id = %s THEN g.grp END) OVER () AS wanted FROM ({grouped}) g) r "
                "WHERE r.grp = r.wanted"
            )
            args = [*like, *group[1], *ranked[1]]
    return (
        "SELECT doc.kind, doc.object_id, doc.subkind, doc.title, doc.body, p.group_size "  # noqa: S608
        f"FROM ({best} ORDER BY {order} LIMIT %s OFFSET %s) p "
        f"JOIN {Document._meta.db_table} doc ON doc.id = p.id "
        "ORDER BY p.tier DESC, p.relevance DESC, p.id DESC",
        args,
    )


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
        out += [
            html.escape(text[at : found.start()]),
            "<mark>",
            html.escape(found.group()),
            "</mark>",
        ]
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
    kind, object_id, subkind, title, body, group_size = row
    pattern = _pattern(words)
    return Hit(
        kind,
        int(object_id),
        subkind,
        _mark(title, pattern),
        _snippet(body, pattern),
        int(group_size),
    )
