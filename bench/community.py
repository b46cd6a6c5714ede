"""`make bench-community`: the home feed and search with 1,000,000 records and 100,000 members.

Steps:
1. Generate, seeded: 100,000 members (60 % of them creators, records spread by weights
   1/√rank), 1,000,000 records over 15 months (3 % drafts) with generated text (titles
   of 2–5 words, descriptions of 8–48, from a Zipf-distributed vocabulary of ~30,000
   words), 0–4 tags each, a quarter of them citing 1–2 older records (lineage edges),
   ~1,000,000 follows. The **reader** (member 1) owns 40 records, each remixed by 8
   others, and follows 500 people drawn by how much they publish. The **common word**
   ("river") is put in 10 % of the records and bios, the **rare word** ("marigold")
   in 12 records; no other word starts with either (both engines treat the last word of
   a query as a prefix).
2. For each database: a throwaway database (an SQLite file in a temporary folder under
   /tmp, or the PostgreSQL database `ensemble_bench_community`, created and dropped),
   migrated by `ensemble migrate` and its static files collected, as an operator would
   (DEBUG off, a random SECRET_KEY); the rows bulk-loaded with secondary indexes dropped
   and rebuilt after (PostgreSQL COPY; SQLite executemany in one transaction); one
   search document per public record and per member, as `records.indexing.reindex` and
   `accounts.indexing.reindex` would write them, and the full-text index filled in
   bulk with the SQL `index.put` runs (SQLite: FTS5 `rebuild` of the external-content
   table; PostgreSQL: the same weighted `to_tsvector` expression, then the GIN index);
   then ANALYZE (PostgreSQL: VACUUM ANALYZE).
3. In a fresh process with Django set up against it: 30 open projects made through the
   services, the reader following 20 of them, each with 3 updates and a call (their
   dates moved into the records' timeline afterwards). Checks: documents re-made by
   the real `reindex` functions equal the bulk-loaded ones (PostgreSQL: the tsvector
   too); both words match exactly the documents generated with them.
4. `django.test.Client` with the reader signed in (`force_login`) GETs, in-process: the
   feed page `/feed` and API `/api/v1/feed`, page 1 and page 50 (by `next_cursor`, 49
   hops not timed); search for the common word, page `/search?q=river` and API
   `/api/v1/search?q=river`, page 1 and page 50 (the API's last); the rare word, page
   and API. Every response is checked first (the feed's items against the expected
   merge of the five streams; search hits carry the word). Warm-up calls, then rounds
   with all requests interleaved (a request stops after RUNS or, once it has MIN_RUNS,
   BUDGET_S seconds). Then query counts and per-statement SQL times under
   `CaptureQueriesContext`, and the plan (PostgreSQL EXPLAIN ANALYZE, SQLite EXPLAIN
   QUERY PLAN) of the slowest statement of each request that misses the goal.
5. Rewrite the `bench:community-sqlite` / `bench:community-postgres` sections of
   docs/benchmarks.md (not with `--quick`, 100,000 records and fewer runs, which only
   prints).

Goal (issue text): ≤ 50 ms server time each (feed, search for a common word), with
constant query counts.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from importlib.metadata import version
from pathlib import Path
from typing import Any
from urllib.parse import quote

from harness import (
    DOC,
    ROOT,
    bench_env,
    manage,
    measure_in_child,
    memory_total_gb,
    ms,
    percentile,
    pg_admin,
)
from loadgen import BenchError
from report import cores, cpu_model, load_average, python_version, today, write_section

TEST_CLIENT_SITE = "http://testserver"  # the test client's host is the site's
PG_NAME = "ensemble_bench_community"
PG_URL = f"postgres://postgres@127.0.0.1:5432/{PG_NAME}"
SEED = 20261127
RECORDS, MEMBERS = 1_000_000, 100_000
QUICK_RECORDS, QUICK_MEMBERS = 100_000, 10_000
CREATOR_SHARE = 0.6  # members who published at least one record
DRAFT_SHARE = 0.03
REMIX_SHARE = 0.25  # records citing 1–2 older records
RECENT_SOURCES = 50_000  # most citations reach at most this many records back
READER = 1
READER_RECORDS = 40
REMIXES_PER_READER_RECORD = 8
FOLLOWED = 500  # people the reader follows
FOLLOWS_MEAN = 10  # people every other member follows, on average
PROJECTS, FOLLOWED_PROJECTS, UPDATES_PER_PROJECT = 30, 20, 3
COMMON, COMMON_SHARE = "river", 0.10
RARE, RARE_DOCS = "marigold", 12
FEED_PAGE = 20  # ensemble.community.services.feed.PAGE (checked in the child)
SEARCH_PAGE = 20  # ensemble.search.results.PAGE (checked in the child)
LATER = 50  # the later page measured: the feed's 50th by cursor, search's last (page=50)
GOAL_MS = 50
RUNS, MIN_RUNS, BUDGET_S = 20, 5, 40.0
QUICK_RUNS = 5
WARMUP = 3
BASE = datetime(2025, 6, 1, tzinfo=UTC)  # record r is published at BASE + STEP × r
STEP = 40  # seconds; 1,000,000 records span 463 days
JOINED_BEFORE = 365 * 86400  # members joined in the year before BASE
KINDS = ("text", "image", "audio", "video", "other")
KIND_WEIGHTS = (20, 35, 30, 10, 5)
TAG_COUNTS, TAG_WEIGHTS = (0, 1, 2, 3, 4), (35, 30, 20, 10, 5)
BIO_SHARE = 0.4

COLUMNS = {
    "accounts_user": (
        "id",
        "password",
        "last_login",
        "is_superuser",
        "first_name",
        "last_name",
        "is_staff",
        "is_active",
        "date_joined",
        "username",
        "email",
        "email_verified_at",
        "display_name",
        "bio",
        "bio_html",
        "avatar",
        "links",
    ),
    "records_tag": ("id", "name"),
    "records_record": (
        "id",
        "kind",
        "title",
        "description",
        "description_html",
        "licence",
        "visibility",
        "version_count",
        "created_at",
        "updated_at",
        "published_at",
        "deleted_at",
        "owner_id",
        "current_version_id",
        "heart_count",
    ),
    "records_record_tags": ("id", "record_id", "tag_id"),
    "lineage_source": (
        "id",
        "kind",
        "note",
        "part",
        "start_seconds",
        "end_seconds",
        "source_licence",
        "created_at",
        "created_by_id",
        "derived_id",
        "source_id",
        "source_version_id",
    ),
    "community_follow": ("id", "created_at", "follower_id", "person_id", "project_id"),
    "search_document": (
        "id",
        "kind",
        "object_id",
        "title",
        "body",
        "tags",
        "subkind",
        "public",
        "updated_at",
    ),
}
TABLES = tuple(COLUMNS)

# --- words ---------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return text.split()


STOP = (
    "the",
    "a",
    "of",
    "and",
    "in",
    "with",
    "for",
    "on",
    "to",
    "from",
    "at",
    "by",
    "is",
    "my",
    "our",
    "this",
    "after",
    "before",
    "into",
    "over",
)
REAL = _words("""light night song dream city road blue garden winter summer ocean forest shadow
mirror glass paper stone fire rain snow wind moon sun star house window door street train
station harbour bridge island mountain valley field meadow orchard lantern candle echo
signal static noise drum bass guitar piano violin choir voice whisper story letter poem
chapter verse frame sketch portrait figure study colour green red golden silver black
white grey velvet wild quiet slow bright broken hollow late early northern southern
distant electric tidal small little old new first last long short soft loud deep open
lost found hidden secret empty full warm cold sweet bitter strange gentle restless
endless morning evening midnight autumn spring season weather cloud storm thunder sky
horizon shore wave tide sand salt water lake pond stream creek fountain rooftop balcony
kitchen table chair clock machine engine motor wheel circle loop spiral map atlas
compass journey walk dance waltz ballad lullaby anthem hymn chorus refrain melody rhythm
beat tempo groove texture pattern shape form layer stem sample remix cover edit cut take
draft demo session tape vinyl film scene shot still photo camera lens focus ink pencil
charcoal watercolour oil canvas print collage mosaic thread fabric clay wood iron copper
bronze marble feather bird fox wolf deer horse whale moth bee flower rose lily tulip
willow oak pine cedar fern moss seed root leaf branch bloom harvest bread honey wine tea
coffee smoke dust ash ember spark flame glow shine shimmer flicker fade rise fall return
departure arrival home away between beyond under inside outside together alone friend
stranger mother father child sister brother king queen ghost angel giant robot animal
monster hero villain traveller sailor dancer singer painter writer keeper maker""")
TAGS = _words("""ambient acoustic animation illustration photography poetry fiction essay synth
piano guitar vocals drums loop sample stem watercolour ink charcoal portrait landscape
abstract collage comic storyboard character concept sketch lyrics score soundtrack
documentary short experimental folk jazz electronic orchestral choral lofi noise drone
techno house hiphop spoken narrative fantasy scifi horror comedy drama children nature
urban night winter summer ocean forest city travel memory family dream dance typography
logo poster pattern texture pixel vector stopmotion claymation puppet theatre radio
podcast interview translation remix cover demo instrumental acapella beat bass strings
brass woodwind percussion ukulele harp cello violin flute saxophone trumpet organ choir
duet ballad lullaby anthem hymn waltz tango blues rock punk metal pop soul funk reggae
gospel opera""")
FIRST = _words("""Ada Alba Amir Ana Ari Bea Ben Cai Cleo Dana Dev Eli Ema Enzo Eva Fin Gia Hana
Ida Ines Ivo Jae Jo Kai Kit Lea Leo Lin Luz Mae Mai Max Mia Nia Nils Noa Ola Omar Pia
Raf Ren Rio Sam Sol Tao Tea Teo Uma Val Vera Wen Yara Yui Zoe Zeno""")
LAST = _words("""Abara Bauer Castro Dubois Eriksen Fontaine Garcia Haddad Ito Jansen Kowalski
Laine Moreau Nakamura Okafor Petrov Quist Rossi Silva Tanaka Ueda Varga Weber Xu Yilmaz
Zhang Alves Brennan Costa Diaz Evans Fischer Gomez Horvat Iqbal Jovanovic Kim Lopez
Mensah Novak Olsen Park Quinn Reyes Sato Torres Vidal Walsh Young Zeller""")
SYLLABLES = _words("""ba be bi bo ca co da de di do fa fe fi ga go ka ke ki ko la le li lo lu ma
me mi mo mu na ne ni no pa pe pi po ra re ri ro ru sa se si so ta te ti to tu va ve vi
vo za zo mar len tor van sil dor kan mel ner tis""")
PSEUDO_WORDS = 30_000


def zipf(n: int) -> list[float]:
    """Cumulative Zipf–Mandelbrot weights for ranks 0 … n-1."""
    return list(itertools.accumulate(1 / (rank + 2.7) ** 1.07 for rank in range(n)))


def vocabulary(rng: random.Random) -> tuple[list[str], list[str]]:
    """(title words, body words), most frequent first: real words, then generated ones."""
    reserved = {*STOP, *REAL}
    pseudo: list[str] = []
    seen: set[str] = set()
    while len(pseudo) < PSEUDO_WORDS:
        word = "".join(rng.choices(SYLLABLES, k=rng.choice((2, 2, 3, 3, 4))))
        if word in seen or word in reserved or word.startswith((COMMON, RARE)):
            continue
        seen.add(word)
        pseudo.append(word)
    real = REAL[:]
    rng.shuffle(real)
    return real + pseudo, [*STOP, *real, *pseudo]


def check_words() -> None:
    """No word the generator uses may start with the measured ones (prefix queries)."""
    for word in (*STOP, *REAL, *TAGS, *FIRST, *LAST, *SYLLABLES):
        if word.lower().startswith((COMMON, RARE)):
            raise BenchError(f"The word list has {word!r}, which matches {COMMON!r}/{RARE!r}")


# --- the data ------------------------------------------------------------------------


@dataclass
class World:
    """What the generator made, and what the feed and search must show from it."""

    records: int
    members: int
    owner: list[int]  # record → member (index 0 unused)
    kind: bytearray  # record → index in KINDS
    public: bytearray  # record → 1 public, 0 draft
    title: list[str]
    description: list[str]
    tags: list[tuple[int, ...]]  # record → tag ids (1-based, into TAGS)
    edges: list[tuple[int, int]]  # (derived, source), sorted; edge id = index + 1
    names: list[str]  # member → display name
    bios: list[str]
    follows: list[tuple[int, int]]  # (follower, person), the reader's first
    followed: list[int]
    creators: int
    cites_reader: set[int] = field(default_factory=set)
    common_docs: int = 0
    rare_docs: list[int] = field(default_factory=list)  # record ids
    generate_s: float = 0.0

    @property
    def public_records(self) -> int:
        return sum(self.public)

    @property
    def documents(self) -> int:
        return self.public_records + self.members

    @property
    def tag_rows(self) -> int:
        return sum(len(t) for t in self.tags)

    @classmethod
    def generate(cls, records: int, members: int) -> World:
        start = time.perf_counter()
        check_words()
        rng = random.Random(SEED)
        title_words, body_words = vocabulary(rng)
        title_cw, body_cw = zipf(len(title_words)), zipf(len(body_words))

        # Owners: every creator has a record, the rest by 1/√rank; the reader 40, spread.
        others = list(range(2, members + 1))
        creators = rng.sample(others, int(len(others) * CREATOR_SHARE))
        ranked = creators[:]
        rng.shuffle(ranked)
        rank_cw = list(itertools.accumulate(1 / (r + 1) ** 0.5 for r in range(len(ranked))))
        owners = creators + rng.choices(
            ranked, cum_weights=rank_cw, k=records - len(creators) - READER_RECORDS
        )
        rng.shuffle(owners)
        reader_ids = {int((i + 0.5) * records / READER_RECORDS) for i in range(READER_RECORDS)}
        owner = [0] * (records + 1)
        it = iter(owners)
        for r in range(1, records + 1):
            owner[r] = READER if r in reader_ids else next(it)
        kind = bytearray(rng.choices(range(len(KINDS)), KIND_WEIGHTS, k=records + 1))
        public = bytearray(0 if rng.random() < DRAFT_SHARE else 1 for _ in range(records + 1))
        public[0] = 0
        for r in reader_ids:
            public[r] = 1

        # Text: titles and descriptions; the common word in 10 % of the records.
        title, description, tags = [""], [""], [()]
        common_docs = 0
        choices, randint, rand = rng.choices, rng.randint, rng.random
        tag_ids = range(1, len(TAGS) + 1)
        for r in range(1, records + 1):
            n = choices((2, 3, 4, 5), (25, 35, 25, 15))[0]
            words = choices(title_words, cum_weights=title_cw, k=n)
            body = choices(body_words, cum_weights=body_cw, k=randint(8, 48))
            if rand() < COMMON_SHARE:
                if rand() < 0.3:
                    words.insert(randint(0, len(words)), COMMON)
                else:
                    body.insert(randint(0, len(body)), COMMON)
                common_docs += public[r]
            title.append(" ".join(words).capitalize())
            description.append(" ".join(body).capitalize() + ".")
            n = choices(TAG_COUNTS, TAG_WEIGHTS)[0]
            tags.append(tuple(sorted(rng.sample(tag_ids, n))) if n else ())
        rare_docs = sorted(rng.sample([r for r in range(1, records + 1) if public[r]], RARE_DOCS))
        for r in rare_docs:
            description[r] = description[r][:-1] + f" {RARE}."

        # Lineage: a quarter of the records cite 1–2 older ones, mostly recent.
        cites: dict[int, set[int]] = {}
        for r in range(2, records + 1):
            if rand() >= REMIX_SHARE:
                continue
            picked: set[int] = set()
            for _ in range(1 if rand() < 0.7 else 2):
                if rand() < 0.7:
                    s = r - randint(1, min(r - 1, RECENT_SOURCES))
                else:
                    s = randint(1, r - 1)
                if owner[s] == READER and any(owner[x] == READER for x in picked):
                    continue  # at most one of the reader's: the feed dedupes within a page only
                picked.add(s)
            cites[r] = picked
        for rr in sorted(reader_ids):
            hi = min(records, rr + 200_000)
            made = tries = 0
            while made < REMIXES_PER_READER_RECORD and rr < hi and tries < 10_000:
                tries += 1
                d = randint(rr + 1, hi)
                if not public[d] or owner[d] == READER:
                    continue
                if any(owner[s] == READER for s in cites.get(d, ())):
                    continue
                cites.setdefault(d, set()).add(rr)
                made += 1
        edges = [(d, s) for d in sorted(cites) for s in sorted(cites[d])]
        cites_reader = {d for d, s in edges if owner[s] == READER}

        # Members: names, bios (the common word in some), follows.
        names = [""] + [f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(members)]
        names[READER] = "Rae Reader"
        bios = [""]
        for _ in range(members):
            if rand() < BIO_SHARE:
                body = choices(body_words, cum_weights=body_cw, k=randint(5, 40))
                if rand() < COMMON_SHARE / BIO_SHARE:
                    body.insert(randint(0, len(body)), COMMON)
                    common_docs += 1
                bios.append(" ".join(body).capitalize() + ".")
            else:
                bios.append("")
        published = [0] * (members + 1)
        for r in range(1, records + 1):
            published[owner[r]] += public[r]
        # The reader follows 500 people, drawn by how much they publish (weighted
        # sampling without replacement: the largest random()^(1/weight) keys).
        keyed = sorted(
            ((rand() ** (1 / published[u]) if published[u] else 0.0, u) for u in creators),
            reverse=True,
        )
        followed = sorted(u for _, u in keyed[:FOLLOWED])
        follows = [(READER, u) for u in followed]
        creator_cw = list(itertools.accumulate(published[u] for u in creators))
        for u in range(2, members + 1):
            k = min(int(rng.expovariate(1 / FOLLOWS_MEAN)), 300)
            picked = set(choices(creators, cum_weights=creator_cw, k=k)) - {u}
            follows.extend((u, p) for p in sorted(picked))
        world = cls(
            records,
            members,
            owner,
            kind,
            public,
            title,
            description,
            tags,
            edges,
            names,
            bios,
            follows,
            followed,
            len(creators),
        )
        world.cites_reader = cites_reader
        world.common_docs = common_docs
        world.rare_docs = rare_docs
        world.generate_s = time.perf_counter() - start
        return world

    # -- what the feed must show (records and remixes; projects are added in the child)

    def record_stream(self, limit: int) -> list[list[int]]:
        """[seconds after BASE, kind index, key, record] of the newest `record` items."""
        f = set(self.followed)
        out = []
        for r in range(self.records, 0, -1):
            if self.public[r] and self.owner[r] in f and r not in self.cites_reader:
                out.append([r * STEP, 0, r, r])
                if len(out) == limit:
                    break
        return out

    def remix_stream(self) -> list[list[int]]:
        out = []
        for n, (d, s) in enumerate(self.edges, 1):
            if self.owner[s] == READER and self.public[d] and self.owner[d] != READER:
                out.append([d * STEP, 1, n, d])
        return sorted(out, reverse=True)

    def followed_records(self) -> int:
        f = set(self.followed)
        return sum(1 for r in range(1, self.records + 1) if self.public[r] and self.owner[r] in f)

    def reader_remixes(self) -> tuple[int, int]:
        """(remixes of the reader's records by others, of which by people followed)."""
        f = set(self.followed)
        found = [
            d
            for d, s in self.edges
            if self.owner[s] == READER and self.public[d] and self.owner[d] != READER
        ]
        return len(found), sum(1 for d in found if self.owner[d] in f)

    def words_per_record(self) -> float:
        pairs = zip(self.title[1:], self.description[1:], strict=True)
        return sum(len(t.split()) + len(d.split()) for t, d in pairs) / self.records

    def project_times(self) -> list[int]:
        """Seconds after BASE for the projects' updates and calls (UPDATES_PER_PROJECT + 1
        per project), in the last fifth of the records' timeline, never on a record's
        second (so no ties with records in the feed's order)."""
        rng = random.Random(f"{SEED}-projects")
        lo = self.records * 4 // 5
        picks = rng.sample(range(lo, self.records), PROJECTS * (UPDATES_PER_PROJECT + 1))
        return [p * STEP + 7 for p in picks]


class Stamps:
    """Seconds after BASE → a timestamp string, without a datetime per row."""

    def __init__(self, suffix: str) -> None:
        self.origin = BASE - timedelta(days=400)
        self.days = [(self.origin + timedelta(days=d)).date().isoformat() for d in range(1000)]
        self.offset = 400 * 86400
        self.suffix = suffix

    def of(self, seconds: int) -> str:
        day, second = divmod(seconds + self.offset, 86400)
        return (
            f"{self.days[day]} {second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}"
            f"{self.suffix}"
        )


def joined(u: int) -> int:
    return -JOINED_BEFORE + u * (JOINED_BEFORE // (MEMBERS + 1))


def rows(w: World, table: str, stamps: Stamps, true: Any, false: Any) -> Iterator[tuple]:
    """The rows of one table, as tuples in COLUMNS order."""
    if table == "accounts_user":
        for u in range(1, w.members + 1):
            at = stamps.of(joined(u))
            username = "reader" if u == READER else f"member{u}"
            bio = w.bios[u]
            yield (
                u,
                "!",
                None,
                false,
                "",
                "",
                false,
                true,
                at,
                username,
                f"{username}@example.test",
                at,
                w.names[u],
                bio,
                f"<p>{bio}</p>" if bio else "",
                "",
                "[]",
            )
    elif table == "records_tag":
        yield from enumerate(TAGS, 1)
    elif table == "records_record":
        for r in range(1, w.records + 1):
            at = stamps.of(r * STEP)
            text = w.description[r]
            yield (
                r,
                KINDS[w.kind[r]],
                w.title[r],
                text,
                f"<p>{text}</p>",
                "accord",
                "public" if w.public[r] else "draft",
                0,
                at,
                at,
                at if w.public[r] else None,
                None,
                w.owner[r],
                None,
                0,
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
            yield n, kind, "", "", None, None, "accord", stamps.of(d * STEP), w.owner[d], d, s, None
    elif table == "community_follow":
        for n, (u, p) in enumerate(w.follows, 1):
            yield n, stamps.of(joined(u) + 3600), u, p, None
    elif table == "search_document":
        # What accounts.indexing.reindex writes for a member (no skills: no tags), then
        # records.indexing.reindex for each public record (no version text: the body is
        # the description and a newline; tags by name, as `record.tags` orders them).
        for u in range(1, w.members + 1):
            username = "reader" if u == READER else f"member{u}"
            yield (
                u,
                "person",
                u,
                f"{w.names[u]} @{username}",
                w.bios[u],
                "",
                "",
                true,
                stamps.of(joined(u)),
            )
        n = w.members
        for r in range(1, w.records + 1):
            if not w.public[r]:
                continue
            n += 1
            tags = " ".join(sorted(TAGS[t - 1] for t in w.tags[r]))
            yield (
                n,
                "record",
                r,
                w.title[r],
                f"{w.description[r]}\n",
                tags,
                KINDS[w.kind[r]],
                true,
                stamps.of(r * STEP),
            )


# --- loading -------------------------------------------------------------------------


@dataclass
class Load:
    prepare_s: float  # migrate + collectstatic
    rows_s: float
    index_s: float
    fulltext_s: float
    analyze_s: float
    setup_s: float = 0.0  # projects through the services (child process)
    size_mb: float = 0.0

    @property
    def total_s(self) -> float:
        return self.prepare_s + self.rows_s + self.index_s + self.fulltext_s + self.analyze_s


def prepare(env: dict[str, str]) -> float:
    """Migrate and collect static files (the pages' {% static %} needs the manifest)."""
    start = time.perf_counter()
    manage(env, "migrate", "--no-input", "--verbosity", "0")
    manage(env, "collectstatic", "--no-input", "--verbosity", "0")
    return time.perf_counter() - start


def check_columns(table: str, required: Iterable[str]) -> None:
    """Every NOT NULL column without a default must be loaded (the schema may grow)."""
    missing = sorted(set(required) - set(COLUMNS[table]))
    if missing:
        raise BenchError(f"{table} has required columns the bench does not fill: {missing}")


def load_sqlite(w: World, path: Path, env: dict[str, str]) -> Load:
    prepare_s = prepare(env)
    db = sqlite3.connect(path, isolation_level=None)
    try:
        for table in TABLES:
            info = db.execute(f"PRAGMA table_info({table})").fetchall()
            check_columns(table, [c[1] for c in info if c[3] and c[4] is None and not c[5]])
        for pragma in (
            "journal_mode=OFF",
            "synchronous=OFF",
            "foreign_keys=OFF",
            "cache_size=-1000000",
            "temp_store=MEMORY",
        ):
            db.execute(f"PRAGMA {pragma}")
        # Secondary indexes are rebuilt after the load (sorted builds, not random inserts);
        # the ones backing UNIQUE constraints (sql IS NULL) cannot be dropped and stay.
        marks = ",".join("?" * len(TABLES))
        indexes = db.execute(
            f"SELECT name, sql FROM sqlite_master WHERE tbl_name IN ({marks}) "  # noqa: S608
            "AND type = 'index' AND sql IS NOT NULL",
            TABLES,
        ).fetchall()
        start = time.perf_counter()
        for name, _ in indexes:
            db.execute(f'DROP INDEX "{name}"')
        stamps = Stamps("")
        db.execute("BEGIN")
        for table in TABLES:
            cols = COLUMNS[table]
            insert = f"INSERT INTO {table} ({','.join(cols)}) VALUES "  # noqa: S608 (constants)
            db.executemany(insert + f"({','.join('?' * len(cols))})", rows(w, table, stamps, 1, 0))
            last = f"SELECT MAX(id) FROM {table}"  # noqa: S608 (table names are constants)
            seq = db.execute(last).fetchone()[0]
            db.execute("INSERT OR REPLACE INTO sqlite_sequence VALUES (?, ?)", (table, seq))
        db.execute("COMMIT")
        rows_s = time.perf_counter() - start
        start = time.perf_counter()
        for _, sql in indexes:
            db.execute(sql)
        index_s = time.perf_counter() - start
        # What index.put inserts row by row (rowid, title, body, tags from the document),
        # for every document at once.
        start = time.perf_counter()
        db.execute("INSERT INTO search_fts(search_fts) VALUES('rebuild')")
        fulltext_s = time.perf_counter() - start
        start = time.perf_counter()
        db.execute("ANALYZE")
        analyze_s = time.perf_counter() - start
        db.execute("PRAGMA journal_mode=WAL")
    finally:
        db.close()
    load = Load(prepare_s, rows_s, index_s, fulltext_s, analyze_s)
    load.size_mb = path.stat().st_size / 1e6
    return load


def copy_text(values: Iterable[tuple]) -> Iterator[bytes]:
    """COPY's text format in ~1 MB pieces (a search body ends with a newline: escaped)."""
    lines: list[str] = []
    for row in values:
        lines.append(
            "\t".join(
                "\\N"
                if v is None
                else str(v)
                .replace("\\", "\\\\")
                .replace("\n", "\\n")
                .replace("\t", "\\t")
                .replace("\r", "\\r")
                for v in row
            )
        )
        if len(lines) == 5_000:
            yield ("\n".join(lines) + "\n").encode()
            lines = []
    if lines:
        yield ("\n".join(lines) + "\n").encode()


# The expression index.put writes, for every document at once.
VECTOR = (
    "setweight(to_tsvector('simple', title), 'A') || "
    "setweight(to_tsvector('simple', tags), 'B') || "
    "setweight(to_tsvector('simple', body), 'C')"
)


def load_postgres(w: World, env: dict[str, str]) -> Load:
    import psycopg

    pg_admin(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)", f"CREATE DATABASE {PG_NAME}")
    prepare_s = prepare(env)
    url = PG_URL.replace("postgres://", "postgresql://")
    with psycopg.connect(url) as db:
        for table in TABLES:
            required = db.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
                "AND is_nullable = 'NO' AND column_default IS NULL",
                [table],
            ).fetchall()
            check_columns(table, [c for (c,) in required])
        # Skip the foreign-key triggers during the load (the rows are consistent by
        # construction); rebuild secondary indexes afterwards, as pg_restore does.
        db.execute("SET session_replication_role = replica")
        db.execute("SET synchronous_commit = off")
        db.execute("SET maintenance_work_mem = '1GB'")
        indexes = db.execute(
            "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
            "WHERE t.relname = ANY(%s) AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)",
            [list(TABLES)],
        ).fetchall()
        fulltext = [(name, sql) for name, sql in indexes if "USING gin" in sql]
        if len(fulltext) != 1:
            raise BenchError(f"Expected one GIN index on search_document, found {fulltext}")
        indexes = [i for i in indexes if i not in fulltext]
        start = time.perf_counter()
        for name, _ in (*indexes, *fulltext):
            db.execute(f'DROP INDEX "{name}"')
        stamps = Stamps("+00")
        # Documents go through a staging table, so that each row is written once with its
        # vector (an UPDATE after would leave a second version of every row behind).
        doc_cols = ",".join(COLUMNS["search_document"])
        db.execute(
            "CREATE TEMP TABLE bench_document (id bigint, kind text, object_id bigint, "
            "title text, body text, tags text, subkind text, public boolean, "
            "updated_at timestamptz)"
        )
        for table in TABLES:
            target = "bench_document" if table == "search_document" else table
            with db.cursor().copy(f"COPY {target} ({','.join(COLUMNS[table])}) FROM STDIN") as cp:
                for piece in copy_text(rows(w, table, stamps, "t", "f")):
                    cp.write(piece)
        rows_s = time.perf_counter() - start
        start = time.perf_counter()
        db.execute(
            f"INSERT INTO search_document ({doc_cols}, vector) "  # noqa: S608 (constants)
            f"SELECT {doc_cols}, {VECTOR} FROM bench_document ORDER BY id"
        )
        db.execute("DROP TABLE bench_document")
        for _, sql in fulltext:
            db.execute(sql)
        fulltext_s = time.perf_counter() - start
        for table in TABLES:
            last = f"SELECT MAX(id) FROM {table}"  # noqa: S608 (table names are constants)
            db.execute(f"SELECT setval(pg_get_serial_sequence(%s, 'id'), ({last}))", [table])
        db.commit()
        start = time.perf_counter()
        for _, sql in indexes:
            db.execute(sql)
        db.commit()
        index_s = time.perf_counter() - start
    start = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as db:
        db.execute("VACUUM ANALYZE")
        size = db.execute("SELECT pg_database_size(current_database())").fetchone()[0]
    load = Load(prepare_s, rows_s, index_s, fulltext_s, time.perf_counter() - start)
    load.size_mb = size / 1e6
    return load


# --- measuring (in the child process) ------------------------------------------------


REQUESTS = (
    "feed_page_1",
    "feed_page_n",
    "feed_api_1",
    "feed_api_n",
    "search_page_1",
    "search_page_n",
    "search_api_1",
    "search_api_n",
    "rare_page",
    "rare_api",
    "search_api_unremixed",
)


def setup_projects(spec: dict[str, Any]) -> list[list[int]]:
    """Projects through the services; the reader follows the first FOLLOWED_PROJECTS.
    Returns the feed items they add: [seconds after BASE, kind index, key, project]."""
    from django.utils import timezone

    from ensemble.accounts.models import User
    from ensemble.community.services import follows
    from ensemble.projects import services as projects
    from ensemble.projects.models import Call, StatusUpdate

    reader = User.objects.get(pk=READER)
    owners = list(User.objects.filter(pk__in=spec["project_owners"]).order_by("pk"))
    times = iter(spec["project_times"])
    items = []
    for n in range(PROJECTS):
        owner = owners[n % len(owners)]
        project = projects.create_project(
            owner,
            title=f"Project {n + 1}: the {spec['project_words'][n]}",
            description=f"A film about the {spec['project_words'][n]}.",
            stages=["Writing", "Sound", "Picture"],
        )
        projects.set_status(project, by=owner, status="open")
        followed = n < FOLLOWED_PROJECTS
        if followed:
            follows.follow_project(reader, project)
        for k in range(UPDATES_PER_PROJECT):
            update = projects.post_update(project, by=owner, body=f"Update {k + 1}: on we go.")
            at = next(times)
            StatusUpdate.objects.filter(pk=update.pk).update(
                created_at=BASE + timedelta(seconds=at)
            )
            if followed:
                items.append([at, 2, update.pk, project.pk])
        call = projects.create_call(
            project,
            by=owner,
            title=f"Sounds for project {n + 1}",
            brief="Anything that fits.",
            deadline=timezone.now() + timedelta(days=30),
        )
        at = next(times)
        Call.objects.filter(pk=call.pk).update(created_at=BASE + timedelta(seconds=at))
        if followed:
            items.append([at, 3, call.pk, call.pk])
    return items


def check_documents(spec: dict[str, Any]) -> list[str]:
    """Re-make some documents with the real reindex functions (rolled back) and compare
    them with the bulk-loaded ones; count what each word matches in the engine."""
    from django.db import connection, transaction

    from ensemble.accounts import indexing as people
    from ensemble.accounts.models import User
    from ensemble.records import indexing as records
    from ensemble.records.models import Record
    from ensemble.search.models import Document

    pg = connection.vendor == "postgresql"
    fields = ["title", "body", "tags", "subkind", "public"]

    def snapshot(kind: str, object_id: int) -> tuple:
        doc = Document.objects.get(kind=kind, object_id=object_id)
        values = tuple(getattr(doc, f) for f in fields)
        if pg:
            with connection.cursor() as cursor:
                cursor.execute("SELECT vector::text FROM search_document WHERE id = %s", [doc.pk])
                values += (cursor.fetchone()[0],)
        return values

    checked = []
    for kind, object_id in spec["sample_documents"]:
        before = snapshot(kind, object_id)
        with transaction.atomic():
            if kind == "record":
                records.reindex(Record.objects.select_related("current_version").get(pk=object_id))
            else:
                people.reindex(User.objects.get(pk=object_id))
            after = snapshot(kind, object_id)
            transaction.set_rollback(True)  # the check leaves the data as it was
        if before != after:
            raise BenchError(
                f"The bulk-loaded document of {kind} {object_id} differs from "
                f"what reindex writes:\n{before}\n{after}"
            )
        checked.append(f"{kind} {object_id}")
    for word, expected in ((COMMON, spec["common_docs"]), (RARE, len(spec["rare_docs"]))):
        with connection.cursor() as cursor:
            if pg:
                cursor.execute(
                    "SELECT count(*) FROM search_document WHERE public AND "
                    "vector @@ to_tsquery('simple', %s)",
                    [f"{word}:*"],
                )
            else:
                cursor.execute(
                    "SELECT count(*) FROM search_fts JOIN search_document d ON "
                    "d.id = search_fts.rowid WHERE search_fts MATCH %s AND d.public",
                    [f'"{word}"*'],
                )
            found = cursor.fetchone()[0]
        if found != expected:
            raise BenchError(f"{word!r} matches {found} documents, expected {expected}")
    return checked


def statement_label(sql: str) -> str:
    """A short name for a statement: the engine's match, or the table it reads."""
    if "search_fts MATCH" in sql:
        return "the full-text match (`index.find`)"
    if "@@" in sql and "search_document" in sql:
        return "the full-text match (`index.find`)"
    match = re.search(r'FROM "?(\w+)"?', sql)
    return f"`{match.group(1)}`" if match else sql[:30]


def shortened(sql: str) -> str:
    """The statement with a long column list cut to its count (the plans are the point)."""
    match = re.match(r"SELECT (.*?) FROM ", sql)
    if match and len(match.group(1)) > 200:
        columns = match.group(1).count(", ") + 1
        return f"SELECT … ({columns} columns) FROM " + sql[match.end() :]  # noqa: S608 (shown, not run)
    return sql


def explain(sql: str, params: Any) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            return [row[0] for row in cursor.fetchall()]
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = cursor.fetchall()
    depth: dict[int, int] = {0: -1}
    lines = []
    for node, parent, _, detail in plan:
        depth[node] = depth.get(parent, -1) + 1
        lines.append("  " * depth[node] + detail)
    return lines


def measure_in_django(spec: dict[str, Any]) -> dict[str, Any]:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from ensemble.accounts.models import User
    from ensemble.community.services import feed
    from ensemble.lineage.models import Source
    from ensemble.projects.models import Call, Project, StatusUpdate
    from ensemble.search import results

    if feed.PAGE != FEED_PAGE or results.PAGE != SEARCH_PAGE:
        raise BenchError(
            f"Pages of {feed.PAGE} (feed) and {results.PAGE} (search), not "
            f"{FEED_PAGE} and {SEARCH_PAGE}"
        )
    out: dict[str, Any] = {}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            out["database"] = f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
            cursor.execute("SHOW jit")
            out["jit"] = cursor.fetchone()[0]
            cursor.execute("SHOW shared_buffers")
            out["shared_buffers"] = cursor.fetchone()[0]
            cursor.execute("SHOW work_mem")
            out["work_mem"] = cursor.fetchone()[0]
        else:
            out["database"] = f"SQLite {sqlite3.sqlite_version}"

    start = time.perf_counter()
    project_items = setup_projects(spec)
    out["setup_s"] = time.perf_counter() - start
    print(
        f"  projects made through the services in {out['setup_s']:.1f} s",
        file=sys.stderr,
        flush=True,
    )
    start = time.perf_counter()
    out["checked_documents"] = check_documents(spec)
    print(
        f"  documents and word counts checked in {time.perf_counter() - start:.1f} s",
        file=sys.stderr,
        flush=True,
    )

    # The feed the reader must see: the five streams merged, newest first.
    stream = spec["record_stream"] + spec["remix_stream"] + project_items
    stream.sort(key=lambda i: (i[0], -i[1], i[2]), reverse=True)
    calls = {c.pk: c for c in Call.objects.all()}
    projects = {p.pk: p for p in Project.objects.all()}

    def expected_item(item: list[int]) -> tuple[str, str, float]:
        at, kind, _, target = item
        if kind in (0, 1):
            url = reverse("records:detail", args=[target])
        elif kind == 2:
            url = projects[target].get_absolute_url()
        else:
            url = calls[target].get_absolute_url()
        return feed.KINDS[kind], url, (BASE + timedelta(seconds=at)).timestamp()

    expected_feed = {
        1: [expected_item(i) for i in stream[:FEED_PAGE]],
        LATER: [expected_item(i) for i in stream[(LATER - 1) * FEED_PAGE : LATER * FEED_PAGE]],
    }
    out["feed_kinds"] = {
        kind: sum(1 for i in stream[: LATER * FEED_PAGE] if i[1] == n)
        for n, kind in enumerate(feed.KINDS)
    }
    out["updates"], out["calls"] = StatusUpdate.objects.count(), len(calls)

    client = Client()
    client.force_login(User.objects.get(pk=READER))
    cursor_token = None
    hops = time.perf_counter()
    for _ in range(LATER - 1):
        page = client.get("/api/v1/feed" + (f"?cursor={cursor_token}" if cursor_token else ""))
        cursor_token = page.json()["next_cursor"]
        if cursor_token is None:
            raise BenchError(f"The feed ended before page {LATER}")
    out["hops_s"] = time.perf_counter() - hops
    later = quote(cursor_token)
    paths = {
        "feed_page_1": "/feed",
        "feed_page_n": f"/feed?cursor={later}",
        "feed_api_1": "/api/v1/feed",
        "feed_api_n": f"/api/v1/feed?cursor={later}",
        "search_page_1": f"/search?q={COMMON}",
        "search_page_n": f"/search?q={COMMON}&page={LATER}",
        "search_api_1": f"/api/v1/search?q={COMMON}",
        "search_api_n": f"/api/v1/search?q={COMMON}&page={LATER}",
        "rare_page": f"/search?q={RARE}",
        "rare_api": f"/api/v1/search?q={RARE}",
        "search_api_unremixed": f"/api/v1/search?q={COMMON}&never_remixed=true",
    }
    out["paths"] = paths

    def get(name: str) -> Any:
        return client.get(paths[name])

    # What each request returns must be right before it is timed.
    rare = sorted(["record", r] for r in spec["rare_docs"])
    seen_search: dict[str, set[tuple[str, int]]] = {}
    for name in REQUESTS:
        response = get(name)
        if response.status_code != 200:
            raise BenchError(f"{paths[name]} answered {response.status_code}")
        body = response.content.decode()
        number = 1 if name.endswith("_1") else LATER
        if name.startswith("feed_api"):
            items = response.json()["items"]
            got = [
                (i["kind"], i["url"], datetime.fromisoformat(i["at"]).timestamp()) for i in items
            ]
            if got != expected_feed[number]:
                raise BenchError(
                    f"{paths[name]} shows {got[:3]}…, expected {expected_feed[number][:3]}…"
                )
        elif name.startswith("feed_page"):
            kinds = re.findall(r'class="card feed-item feed-item--(\w+)"', body)
            if kinds != [k for k, _, _ in expected_feed[number]]:
                raise BenchError(f"{paths[name]} shows {kinds[:5]}…")
        elif name.startswith(("search_api", "rare_api")):
            items = response.json()
            hits = {(i["type"], i["id"]) for i in items}
            word = RARE if name.startswith("rare") else COMMON
            want = len(rare) if word == RARE else SEARCH_PAGE
            if len(items) != want:
                raise BenchError(f"{paths[name]} found {len(items)}, expected {want}")
            for i in items:
                marked = (i["title_html"] + i["snippet_html"]).lower()
                if f"<mark>{word}</mark>" not in marked:
                    raise BenchError(f"{paths[name]}: {i} does not show the word")
            if word == RARE and sorted(list(h) for h in hits) != rare:
                raise BenchError(f"{paths[name]} found {sorted(hits)}, expected {rare}")
            if name == "search_api_unremixed" and (
                {kind for kind, _ in hits} != {"record"}
                or Source.objects.filter(source_id__in=[pk for _, pk in hits]).exists()
            ):
                raise BenchError(f"{paths[name]} found something remixed: {sorted(hits)}")
            seen_search[name] = hits
        else:
            found = body.count('<li class="card">')
            want = len(rare) if name.startswith("rare") else SEARCH_PAGE
            if found != want:
                raise BenchError(f"{paths[name]} shows {found} results, expected {want}")
        out.setdefault("bytes", {})[name] = len(response.content)
    if seen_search["search_api_1"] & seen_search["search_api_n"]:
        raise BenchError("Search pages 1 and 50 share results")

    for name in REQUESTS:
        for _ in range(WARMUP):
            get(name)
    times: dict[str, list[float]] = {name: [] for name in REQUESTS}
    for round_ in range(spec["runs"]):  # interleaved: a burst of other work hits every row
        for name in REQUESTS:
            if len(times[name]) >= MIN_RUNS and sum(times[name]) / 1000 > BUDGET_S:
                continue
            start = time.perf_counter()
            get(name)
            times[name].append((time.perf_counter() - start) * 1000)
        print(f"  round {round_ + 1} of {spec['runs']}", file=sys.stderr, flush=True)
    for name, values in times.items():
        out[name] = {
            "median_ms": statistics.median(values),
            "p95_ms": percentile(values, 95),
            "runs": len(values),
        }

    # Queries: how many, the SQL's own time, statement by statement.
    timed: list[tuple[str, Any, float]] = []

    def timing(execute: Callable, sql: str, params: Any, many: bool, context: Any) -> Any:
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timed.append((sql, params, time.perf_counter() - start))

    explained: dict[str, tuple[list[str], tuple[str, Any]]] = {}
    for name in REQUESTS:
        per_call = []
        for _ in range(3):
            timed.clear()
            with connection.execute_wrapper(timing), CaptureQueriesContext(connection) as captured:
                get(name)
            per_call.append(list(timed))
        # Statement by statement, the median of the calls (the last call's alone if the
        # calls ran different numbers of statements).
        alike = [c for c in per_call if len(c) == len(per_call[-1])]
        statements = [
            {
                "sql": sql,
                "params": params,
                "ms": statistics.median(call[k][2] for call in alike) * 1000,
            }
            for k, (sql, params, _) in enumerate(per_call[-1])
        ]
        out[name]["queries"] = len(captured.captured_queries)
        out[name]["sql_ms"] = sum(s["ms"] for s in statements)
        slowest = max(statements, key=lambda s: s["ms"])
        out[name]["slowest"] = {"label": statement_label(slowest["sql"]), "ms": slowest["ms"]}
        out[name]["statements"] = [f"{s['ms']:8.2f} ms  {s['sql'][:160]}" for s in statements]
        out[name]["parts"] = [[statement_label(s["sql"]), s["ms"]] for s in statements]
        if out[name]["median_ms"] > GOAL_MS and slowest["ms"] > 5:
            key = re.sub(r"\s+", " ", slowest["sql"])
            if key not in explained:
                plan = explain(slowest["sql"], slowest["params"])
                explained[key] = (plan, (name, slowest["params"]))
            out[name]["plan_key"] = key
    out["plans"] = [
        {"sql": sql, "plan": plan, "params": repr(params[1])}
        for sql, (plan, params) in explained.items()
    ]
    return out


# --- report --------------------------------------------------------------------------


def command_line() -> str:
    return " ".join([".venv/bin/python", "bench/community.py", *sys.argv[1:]])


LABELS = {
    "feed_page_1": "feed page, page 1 (`/feed`)",
    "feed_page_n": f"feed page, page {LATER} (`/feed?cursor=…`)",
    "feed_api_1": "feed API, page 1 (`/api/v1/feed`)",
    "feed_api_n": f"feed API, page {LATER} (after {LATER - 1} `next_cursor` hops)",
    "search_page_1": f"search page, common word, page 1 (`/search?q={COMMON}`)",
    "search_page_n": f"search page, common word, page {LATER} (`&page={LATER}`)",
    "search_api_1": f"search API, common word, page 1 (`/api/v1/search?q={COMMON}`)",
    "search_api_n": f"search API, common word, page {LATER} (`&page={LATER}`)",
    "rare_page": f"search page, rare word (`/search?q={RARE}`)",
    "rare_api": f"search API, rare word (`/api/v1/search?q={RARE}`)",
    "search_api_unremixed": "search API, common word, records never remixed "
    "(`&never_remixed=true`)",
}
PAIRS = (
    ("feed page", "feed_page_1", "feed_page_n"),
    ("feed API", "feed_api_1", "feed_api_n"),
    ("search page", "search_page_1", "search_page_n"),
    ("search API", "search_api_1", "search_api_n"),
)


def same_count(m: dict[str, Any], first: str, nth: str) -> str:
    a, b = m[first]["queries"], m[nth]["queries"]
    return f"yes ({a} and {b})" if a == b else f"**no** ({a} on page 1, {b} on page {LATER})"


def describe_world(w: World, m: dict[str, Any]) -> str:
    remixes, by_followed = w.reader_remixes()
    kinds = m["feed_kinds"]
    return (
        f"The data (seed {SEED}, bench/community.py): {w.members:,} members ({w.creators:,} "
        f"of them creators), {w.records:,} records ({w.public_records:,} public, the rest "
        f"drafts) published over {w.records * STEP / 86400:.0f} days, {w.tag_rows:,} tags on "
        f"them, {len(w.edges):,} lineage edges, {len(w.follows):,} follows; "
        f"{w.documents:,} search documents (every public record and every member). Text: "
        f"titles and descriptions of {w.words_per_record():.0f} words a record on average "
        f"from a Zipf-distributed vocabulary of ~{PSEUDO_WORDS + len(REAL):,} words; the "
        f"common word “{COMMON}” is in {w.common_docs:,} documents "
        f"({w.common_docs / w.documents:.1%}), the rare word “{RARE}” in {len(w.rare_docs)}. "
        f"The **reader** follows {len(w.followed)} people (drawn by how much they publish), "
        f"who have {w.followed_records():,} public records between them, and "
        f"{FOLLOWED_PROJECTS} of {PROJECTS} projects ({m['updates']} updates and "
        f"{m['calls']} calls in all, made through the services); others made {remixes} "
        f"remixes of the reader's {READER_RECORDS} records ({by_followed} of them by people "
        f"the reader follows). The first {LATER} feed pages hold "
        + ", ".join(f"{n} {k}{'es' if k.endswith('x') else 's'}" for k, n in kinds.items() if n)
        + " (no releases: none of the projects has one)."
    )


def describe_load(w: World, load: Load, m: dict[str, Any]) -> str:
    analyze = "VACUUM ANALYZE" if "jit" in m else "ANALYZE"
    engine = "the weighted tsvectors and the GIN index" if "jit" in m else "FTS5 `rebuild`"
    return (
        f"Build: generated in {w.generate_s:.0f} s (in the parent, shared by both databases); "
        f"loaded in {load.total_s:.0f} s: migrate and collectstatic {load.prepare_s:.0f} s, "
        f"rows {load.rows_s:.0f} s, secondary indexes {load.index_s:.0f} s, full-text index "
        f"({engine}) {load.fulltext_s:.0f} s, {analyze} {load.analyze_s:.0f} s; projects "
        f"through the services {load.setup_s:.0f} s. Database size "
        f"{load.size_mb / 1000:.1f} GB."
    )


def section(w: World, m: dict[str, Any], load: Load, load_before: float, runs: int) -> str:
    settings = (
        f" (jit {m['jit']}, shared_buffers {m['shared_buffers']}, work_mem {m['work_mem']})"
        if "jit" in m
        else ""
    )
    machine = (
        f"Measured {today()}, {cores()} cores ({cpu_model()}), {memory_total_gb():.0f} GB RAM, "
        f"Python {python_version()}, {m['database']}{settings}, Django {version('django')}, "
        f"django-ninja {version('django-ninja')}; load average {load_before:.1f} when the run "
        "started (the machine is shared: other work may have run at the same time)."
    )
    lines = [
        "| request (the reader signed in) | median | p95 | runs | queries | of which SQL "
        "| slowest statement | response | ≤ 50 ms |",
        "|---|---:|---:|---:|---:|---:|---|---:|---|",
    ]
    for name in REQUESTS:
        r = m[name]
        verdict = "met" if r["median_ms"] <= GOAL_MS else "**not met**"
        lines.append(
            f"| {LABELS[name]} | {ms(r['median_ms'])} | {ms(r['p95_ms'])} | {r['runs']} "
            f"| {r['queries']} | {ms(r['sql_ms'])} | {ms(r['slowest']['ms'])}: "
            f"{r['slowest']['label']} | {m['bytes'][name] / 1024:.0f} KB | {verdict} |"
        )
    counts = (
        f"Same query count on page 1 and page {LATER}: "
        + "; ".join(f"{label} {same_count(m, a, b)}" for label, a, b in PAIRS)
        + f"; the rare word: page {m['rare_page']['queries']}, API "
        f"{m['rare_api']['queries']}."
    )
    parts = (
        "Statement by statement (the median of 3 calls), "
        + "; ".join(
            f"{LABELS[n].split(' (')[0]}: "
            + ", ".join(f"{label} {ms(t)}" for label, t in m[n]["parts"])
            for n in ("feed_api_1", "search_api_1")
        )
        + " (pages add the unread-notifications count of the header; the search API, open to "
        "everyone, reads no session)."
    )
    missed = [LABELS[n].split(" (")[0] for n in REQUESTS if m[n]["median_ms"] > GOAL_MS]
    goal = "Goal (≤ 50 ms server time, median): " + (
        f"**not met** by {len(missed)} of {len(REQUESTS)}: " + "; ".join(missed) + "."
        if missed
        else "met by every request."
    )
    plans = ""
    if m["plans"]:
        blocks = []
        for p in m["plans"]:
            used = [LABELS[n].split(" (")[0] for n in REQUESTS if m[n].get("plan_key") == p["sql"]]
            head = "EXPLAIN (ANALYZE, BUFFERS)" if "jit" in m else "EXPLAIN QUERY PLAN"
            blocks.append(
                f"{head} of the slowest statement of: {', '.join(used)}.\n\n```sql\n"
                f"{shortened(p['sql'])}\n-- parameters: {p['params']}\n```\n\n```text\n"
                + "\n".join(p["plan"])
                + "\n```"
            )
        plans = (
            "\n\nPlans of the slowest statement of each request over the goal, taken after "
            "the timed runs with the parameters of the first request named (search's page "
            f"{LATER} differs only in its OFFSET):\n\n" + "\n\n".join(blocks)
        )
    method = (
        "Each row: `django.test.Client.get` in-process (no HTTP server; middleware, session, "
        f"view, queries and rendering or JSON), DEBUG off, the reader signed in; {WARMUP} "
        f"warm-up calls, then up to {runs} rounds with all requests interleaved (a request "
        f"stops early once it has {MIN_RUNS} runs and {BUDGET_S:.0f} s). Queries: counted on "
        'one more call under `CaptureQueriesContext` ("of which SQL": the time the cursors\' '
        "`execute` calls took, statement by statement the median of 3 calls; SQLite hands "
        "over rows as they are read, so its figure leaves some of the work out). Every "
        "response is checked first: the feed's items (kind, link, time) against the five "
        "streams merged by the generator's own reckoning; search results all show the word, "
        "pages 1 and 50 share none, the rare word finds exactly its 12 records. Before that, "
        "documents of " + ", ".join(m["checked_documents"]) + " were re-made by the real "
        "`reindex` functions (and rolled back) and equal the bulk-loaded ones"
        + (" tsvector and all" if "jit" in m else "")
        + ", and each word matches exactly the documents generated with it."
    )
    return (
        "_Written by `make bench-community` (bench/community.py); edit the script, not this "
        f"section._ Command: `{command_line()}`.\n\n"
        f"{machine}\n\n{describe_world(w, m)}\n\n{describe_load(w, load, m)}\n\n{method}\n\n"
        + "\n".join(lines)
        + f"\n\n{counts}\n\n{parts}\n\n{goal}{plans}\n"
    )


SKELETON = """

## Community: the home feed and search with 1,000,000 records

`make bench-community` (`bench/community.py`, about 7 minutes, half of it building the
data) generates 1,000,000 records with text, tags and lineage and 100,000 members who
follow each other, bulk-loads them into a throwaway SQLite file and a throwaway
PostgreSQL database with the full-text index, and times, in process with a member
signed in, the home feed of a member following 500 people (page and API, page 1 and page
50 by cursor) and search for a common word (in 10 % of the documents; page and API, page
1 and page 50) and a rare one. Goal (issue text): ≤ 50 ms server time each, with constant
query counts.

```sh
make bench-community                                 # both databases, rewrites the sections below
.venv/bin/python bench/community.py --db postgres    # one database
.venv/bin/python bench/community.py --quick          # 100,000 records, fewer runs; prints only
```

### Community, SQLite

<!-- bench:community-sqlite:start -->
<!-- bench:community-sqlite:end -->

### Community, PostgreSQL

<!-- bench:community-postgres:start -->
<!-- bench:community-postgres:end -->

### Reading the community figures

<!-- bench:community-reading:start -->
<!-- bench:community-reading:end -->
"""


def ensure_skeleton() -> None:
    """Add the community part of the page once, after everything already there."""
    text = DOC.read_text()
    if "<!-- bench:community-sqlite:start -->" not in text:
        DOC.write_text(text.rstrip() + SKELETON)


def print_figures(name: str, m: dict[str, Any], verbose: bool) -> None:
    for key in REQUESTS:
        r = m[key]
        print(
            f"  {name:<8} {key:<14} median {ms(r['median_ms']):>9}  p95 {ms(r['p95_ms']):>9}  "
            f"{r['runs']:>2} runs  {r['queries']:>2} queries  SQL {ms(r['sql_ms']):>9}  "
            f"slowest {ms(r['slowest']['ms'])} {r['slowest']['label']}",
            flush=True,
        )
        if verbose:
            for line in r["statements"]:
                print(f"      {line}")
    for p in m["plans"]:
        print(f"  plan of {p['sql'][:200]}")
        for line in p["plan"]:
            print(f"      {line}")


# --- main ----------------------------------------------------------------------------


def spec_for(w: World, runs: int) -> dict[str, Any]:
    rng = random.Random(f"{SEED}-spec")
    public = [r for r in rng.sample(range(1, w.records + 1), 200) if w.public[r]]
    tagged = [r for r in public if w.tags[r]][:2]
    common = [
        r
        for r in public
        if COMMON in w.title[r].lower().split() or COMMON in w.description[r].split()
    ][:1]
    with_bio = [u for u in range(2, w.members + 1) if w.bios[u]][:1]
    picked = dict.fromkeys((*tagged, *common, w.rare_docs[0]))  # in order, once each
    samples = [["record", r] for r in picked]
    samples += [["person", READER], *(["person", u] for u in with_bio)]
    words = REAL[:]
    rng.shuffle(words)
    return {
        "runs": runs,
        "record_stream": w.record_stream(LATER * FEED_PAGE + FEED_PAGE),
        "remix_stream": w.remix_stream(),
        "project_owners": sorted(rng.sample(range(2, w.members + 1), PROJECTS)),
        "project_words": words[:PROJECTS],
        "project_times": w.project_times(),
        "sample_documents": samples,
        "common_docs": w.common_docs,
        "rare_docs": w.rare_docs,
    }


def run_database(
    name: str, w: World, runs: int, verbose: bool, keep: bool = False
) -> tuple[dict[str, Any], Load]:
    with tempfile.TemporaryDirectory(prefix="ensemble-bench-community-", dir="/tmp") as tmp:
        folder = Path(tmp)
        try:
            if name == "sqlite":
                path = folder / "community.sqlite3"
                env = bench_env(folder, f"sqlite:///{path}", SITE_URL=TEST_CLIENT_SITE)
                print(f"sqlite: loading into {path}", flush=True)
                load = load_sqlite(w, path, env)
            else:
                env = bench_env(folder, PG_URL, SITE_URL=TEST_CLIENT_SITE)
                print(f"postgres: loading into {PG_NAME}", flush=True)
                load = load_postgres(w, env)
            print(
                f"  loaded in {load.total_s:.1f} s (migrate+collectstatic {load.prepare_s:.1f}, "
                f"rows {load.rows_s:.1f}, indexes {load.index_s:.1f}, full-text "
                f"{load.fulltext_s:.1f}, analyze {load.analyze_s:.1f}); "
                f"{load.size_mb:,.0f} MB",
                flush=True,
            )
            m = measure_in_child(__file__, env, spec_for(w, runs))
        finally:
            if name == "postgres" and not keep:
                pg_admin(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
    load.setup_s = m["setup_s"]
    print_figures(name, m, verbose)
    return m, load


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    quick = f"{QUICK_RECORDS:,} records, {QUICK_RUNS} runs; print only"
    parser.add_argument("--quick", action="store_true", help=quick)
    parser.add_argument("--verbose", action="store_true", help="print every statement")
    parser.add_argument(
        "--keep",
        action="store_true",
        help=f"keep the PostgreSQL database {PG_NAME} afterwards, to study plans",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure_in_django(json.loads(args.child))))
        return 0
    runs = QUICK_RUNS if args.quick else RUNS
    records, members = (QUICK_RECORDS, QUICK_MEMBERS) if args.quick else (RECORDS, MEMBERS)
    load_before = load_average()
    try:
        print(f"Generating {records:,} records and {members:,} members", flush=True)
        w = World.generate(records, members)
        print(
            f"  in {w.generate_s:.1f} s: {len(w.edges):,} edges, {len(w.follows):,} follows, "
            f"{w.documents:,} documents, “{COMMON}” in {w.common_docs:,}, the reader's 500 "
            f"followed have {w.followed_records():,} public records",
            flush=True,
        )
        names = ("sqlite", "postgres") if args.db == "both" else (args.db,)
        for name in names:
            m, load = run_database(name, w, runs, args.verbose, args.keep)
            body = section(w, m, load, load_before, runs)
            if args.quick:
                print(body)
            else:
                ensure_skeleton()
                write_section(DOC, f"community-{name}", body)
                print(f"Wrote the bench:community-{name} section of {DOC.relative_to(ROOT)}")
            load_before = load_average()
    except BenchError as error:
        print(f"bench-community: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
