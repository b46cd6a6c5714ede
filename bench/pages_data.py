"""The site of bench/pages.py, generated and seeded, as rows for bench/bulkload.py.

At PAGES_RECORDS records (default 1,000,000): the lineage graph of bench/graphgen.py (≈ 3
edges a record, a popular record cited by a few percent of all records, a record with
5,000 sources at depth 200), members (records ÷ 10, member 1 publishing the most),
projects (records ÷ 100), one open call with 5,000 entries, a thread of 1,000 comments on
an ordinary record, follows, trend scores and the search index. Every record is an image
with a ready version and its two thumbnails (rows only: pages link to media, they do not
read the files), so each card on a page signs its media links as it would in use. The
services make the rest in the measuring child (bench/pages_child.py): a production with
its pool and a finalised proposal, notifications, sessions and a token.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import bulkload
import graphgen
from bulkload import RECORD, VERSION, words
from graphgen import Graph, title

SEED = 17
READER = 1  # signs in; leads the projects it measures; publishes the most
ENTRIES = 5_000
COMMENTS = 1_000
FOLLOWED = 200
TREND_SHARE = 100  # one record in this many has a trend score,
TREND_ROWS = 1_000  # up to community's trending.KEEP, all `recompute` ever stores
TABLES = {
    "accounts_user": graphgen.TABLES["accounts_user"],
    "accounts_memberskill": graphgen.TABLES["accounts_memberskill"],
    "records_record": (*RECORD, "heart_count"),
    "records_tag": graphgen.TABLES["records_tag"],
    "records_record_tags": graphgen.TABLES["records_record_tags"],
    "records_cocreator": graphgen.TABLES["records_cocreator"],
    "lineage_source": graphgen.TABLES["lineage_source"],
    "records_version": VERSION,
    "records_rendition": words("id role file content_type size width height version_id"),
    "projects_project": words(
        "id slug title description description_html status created_at updated_at cover_id "
        "owner_id pass_through_bp hidden_reason"
    ),
    "projects_stage": words("id position name state project_id"),
    "projects_call": words(
        "id title brief brief_html accepted_kinds deadline requires_resources "
        "max_entries_per_person visibility blind_review status created_at event_code "
        "brief_record_id created_by_id project_id stage_id skills event_mode"
    ),
    "projects_entry": words(
        "id state created_at updated_at score_count score_total call_id entrant_id record_id"
    ),
    "community_comment": words(
        "id body body_html created_at edited_at deleted_at author_id subject_type_id former_id "
        "subject_id reply_to_id removed_by_moderators"
    ),
    "community_follow": words("id created_at follower_id person_id project_id"),
    "community_recordtrend": words("id score computed_at record_id"),
    "search_document": words("id kind object_id title body tags subkind public updated_at"),
}
STAGES = ("Writing", "Illustration", "Animation", "Score", "Edit")
ENTRY_STATES, ENTRY_WEIGHTS = ("submitted", "shortlisted", "declined"), (80, 14, 6)
TAG_NAMES = (*graphgen.ROLE_TAGS, *graphgen.OTHER_TAGS)


@dataclass
class Site:
    """The generated graph and the records and people the pages are measured on."""

    graph: Graph
    members: int
    projects: int
    ordinary: int  # a record with an ordinary lineage, the comment thread on it
    used: int  # the most-used record (graphgen's popular one)
    deepest: int  # graphgen's target: 5,000 sources, depth 200
    entries: list[int]  # the call's records, entry i → entries[i - 1]
    content_type: int = 0  # django_content_type of records.record, set once migrated

    @property
    def records(self) -> int:
        return self.graph.records

    @classmethod
    def generate(cls, records: int) -> Site:
        members, projects = max(records // 10, 100), max(records // 100, 10)
        g = graphgen.generate(records, members)
        rng = random.Random(SEED)
        # An ordinary record: 2 sources, cited by nothing special, in the older half.
        ordinary = next(
            r
            for r in range(records // 3, records)
            if len(g.sources_of(r)) == 2 and r not in g.chain_tips and g.owner[r] != READER
        )
        lo = records // 2
        pool = [r for r in range(lo, records - 10) if r not in (g.target, ordinary)]
        entries = sorted(rng.sample(pool, min(ENTRIES, len(pool))))
        return cls(g, members, projects, ordinary, g.popular, g.target, entries)

    def used_in(self) -> int:
        """How many records cite the most-used one directly."""
        return sum(1 for s in self.graph.sources if s == self.used)


def table_rows(site: Site, table: str, suffix: str) -> Iterator[tuple]:
    """The rows of one table, as tuples in TABLES' column order."""
    g = site.graph
    at = graphgen.stamps(g.records, suffix)

    def of(r: int) -> str:
        return at.at(r * graphgen.SECONDS_APART)

    if table == "accounts_user":  # graphgen's members, with their addresses verified
        for u in range(1, g.users + 1):
            active = u not in g.inactive_users
            yield bulkload.member(
                u, f"member{u}", f"Member {u}", of(0), verified=of(0), active=active
            )
    elif table in graphgen.TABLES and table != "records_record":
        yield from graphgen.table_rows(g, table, suffix)
    elif table == "records_record":
        for r in range(1, g.records + 1):
            text = f"Made from {len(g.sources_of(r))} sources, number {r} of the bench site."
            row = bulkload.record(
                r,
                "image",
                title(r),
                of(r),
                g.owner[r],
                text=text,
                text_html=f"<p>{text}</p>",
                versions=1,
                current=r,
            )
            yield (*row, 0)
    elif table == "records_version":
        yield from version_rows(g, of)
    elif table == "records_rendition":
        for r in range(1, g.records + 1):
            yield 2 * r - 1, "thumb_small", "thumb_small.webp", "image/webp", 24_000, 480, 320, r
            yield 2 * r, "thumb_large", "thumb_large.webp", "image/webp", 180_000, 1600, 1067, r
    elif table == "projects_project":
        for p in range(1, site.projects + 1):
            owner = READER if p == 1 else 1 + (p * 7919) % site.members
            about = f"Project {p} of the bench site."
            yield (
                p,
                f"project-{p}",
                f"Project {p}: {title(p)}",
                about,
                f"<p>{about}</p>",
                "open",
                of(p),
                of(p),
                None,
                owner,
                5_000,
                "",
            )
    elif table == "projects_stage":
        for n, name in enumerate(STAGES, 1):
            yield n, n - 1, name, "active" if n == 2 else "upcoming", 1
    elif table == "projects_call":
        brief = "Design the main character: prim, proper, buttoned-up."
        deadline = at.at(g.records * graphgen.SECONDS_APART + 86400)
        yield (
            1,
            "Design the main character",
            brief,
            f"<p>{brief}</p>",
            '["image"]',
            deadline,
            False,
            ENTRIES,
            "open",
            False,
            "open",
            of(1),
            "benchpages01",
            None,
            READER,
            1,
            2,
            '["illustration"]',
            False,
        )
    elif table == "projects_entry":
        rng = random.Random(f"{SEED}-entries")
        for i, r in enumerate(site.entries, 1):
            state = rng.choices(ENTRY_STATES, ENTRY_WEIGHTS)[0]
            yield i, state, of(r), of(r), 0, 0, 1, g.owner[r], r
    elif table == "community_comment":
        for n in range(1, COMMENTS + 1):
            body = f"Comment {n} on this record: the middle section works."
            author = 1 + (n * 104_729) % site.members
            reply = n - 1 if n % 4 == 0 else None  # one level of replies
            made = at.at(site.ordinary * graphgen.SECONDS_APART + 60 * n)
            yield (
                n,
                body,
                f"<p>{body}</p>",
                made,
                None,
                None,
                author,
                site.content_type,
                None,
                site.ordinary,
                reply,
                False,
            )
    elif table == "community_follow":
        for n, person in enumerate(range(2, min(FOLLOWED, site.members - 1) + 2), 1):
            yield n, of(0), READER, person, None
    elif table == "community_recordtrend":
        scored = range(g.records, 0, -TREND_SHARE)[:TREND_ROWS]
        for n, r in enumerate(scored, 1):
            yield n, 1000.0 / n, of(g.records), r
    elif table == "search_document":
        yield from document_rows(site, of)


def version_rows(g: Graph, of: Callable[[int], str]) -> Iterator[tuple]:
    for r in range(1, g.records + 1):
        yield bulkload.ready_picture(r, f"picture-{r}.jpg", of(r), g.owner[r])


def document_rows(site: Site, of: Callable[[int], str]) -> Iterator[tuple]:
    """One search document per member and per record, as the `reindex` functions write
    them: a member's name and @username; a record's title, its description as text, its
    tags by name."""
    g = site.graph
    for u in range(1, site.members + 1):
        yield u, "person", u, f"Member {u} @member{u}", "", "", "", True, of(0)
    tags: dict[int, list[str]] = {}
    for r, tag in g.tags:
        tags.setdefault(r, []).append(TAG_NAMES[tag - 1])
    for r in range(1, g.records + 1):
        text = f"Made from {len(g.sources_of(r))} sources, number {r} of the bench site.\n\n"
        names = " ".join(sorted(tags.get(r, ())))
        yield site.members + r, "record", r, title(r), text, names, "image", True, of(r)
