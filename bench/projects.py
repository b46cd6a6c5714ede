"""`make bench-projects`: a call with 5,000 entries, its review grid and its entries API.

Steps:
1. For each database: a throwaway database (an SQLite file in a temporary folder, or the
   PostgreSQL database `ensemble_bench_projects`), migrated by `ensemble migrate` and its
   static files collected by `ensemble collectstatic`, as an operator would (DEBUG off,
   a random SECRET_KEY, as bench/run.py configures it).
2. Bulk-load, seeded (PostgreSQL COPY; SQLite executemany in one transaction), then
   ANALYZE (PostgreSQL: VACUUM ANALYZE): 2,000 members, 5,000 public image records, each
   with a ready current version and its two thumbnails (rows only: no files are needed to
   draw the grid), one open project owned by the **leader** (with two co-leaders), one
   open call, and 5,000 entries, one per record, by the records' owners, in a mix of
   states, ~45 % scored by one to three leaders.
3. In a fresh process with Django set up against that database, `django.test.Client`
   with the leader signed in (`force_login`) GETs, in-process (no HTTP server):
   the review grid `/calls/<id>/review?page=1` and `?page=50` (48 cards a page, least
   reviewed first: page 50 is in the middle of 105), and the API
   `/api/v1/calls/<id>/entries?limit=50`, first page and the 50th (reached through 49
   `next_cursor` hops, not timed). Each response is checked (status, the expected
   entries in the expected order). Warm-up calls, then RUNS rounds, the four requests
   interleaved in each; the median and p95 of the time `Client.get` takes (middleware,
   session, view, queries, template rendering or JSON). Then one call each under
   `CaptureQueriesContext` (query count and the SQL's own time) and a few under cProfile
   (where the time goes).
4. Rewrite the `bench:projects-sqlite` / `bench:projects-postgres` sections of
   docs/benchmarks.md (not with `--quick`, fewer runs, which only prints).

Goal (issue 5): ≤ 50 ms server time per page, and the same number of queries for page 1
and page 50.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib.metadata import version
from pathlib import Path
from typing import Any

from harness import (
    DOC,
    ROOT,
    bench_env,
    manage,
    measure_in_child,
    memory_total_gb,
    percentile,
    pg_admin,
)
from loadgen import BenchError
from report import cores, cpu_model, load_average, python_version, today, write_section

TEST_CLIENT_SITE = "http://testserver"  # the test client's host is the site's
PG_NAME = "ensemble_bench_projects"
PG_URL = f"postgres://postgres@127.0.0.1:5432/{PG_NAME}"
SEED = 5
MEMBERS = 2000
ENTRIES = 5000
REVIEW_PAGE = 48  # ensemble.projects.views.review.REVIEW_PAGE (checked in the child)
API_LIMIT = 50
PAGE = 50  # the page measured after the first
GOAL_MS = 50
RUNS = 20
WARMUP = 3
PROFILE_CALLS = 10
LEADER, CO_LEADERS = 1, (2, 3)
FIRST_MEMBER = 4  # members are users FIRST_MEMBER … FIRST_MEMBER + MEMBERS - 1
PROJECT, CALL = 1, 1
BASE = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
STATES = ("submitted", "shortlisted", "declined", "withdrawn", "selected")
STATE_WEIGHTS = (80, 12, 6, 2, 0)  # plus SELECTED entries chosen below
SELECTED = 3
SCORE_COUNTS = (0, 1, 2, 3)
SCORE_WEIGHTS = (55, 25, 12, 8)

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
    ),
    "records_version": (
        "id",
        "number",
        "change_note",
        "created_at",
        "folder",
        "original_file",
        "original_name",
        "size",
        "sha256",
        "fmt",
        "mime",
        "label",
        "extension",
        "state",
        "failure_reason",
        "progress",
        "attempts",
        "heartbeat_at",
        "ready_at",
        "metadata",
        "body_html",
        "purged_at",
        "record_id",
        "uploaded_by_id",
    ),
    "records_rendition": (
        "id",
        "role",
        "file",
        "content_type",
        "size",
        "width",
        "height",
        "version_id",
    ),
    "projects_project": (
        "id",
        "slug",
        "title",
        "description",
        "description_html",
        "status",
        "created_at",
        "updated_at",
        "cover_id",
        "owner_id",
        "pass_through_bp",
    ),
    "projects_leader": ("id", "added_at", "added_by_id", "user_id", "project_id"),
    "projects_stage": ("id", "position", "name", "state", "project_id"),
    "projects_call": (
        "id",
        "title",
        "brief",
        "brief_html",
        "accepted_kinds",
        "deadline",
        "requires_resources",
        "max_entries_per_person",
        "visibility",
        "blind_review",
        "status",
        "created_at",
        "event_code",
        "brief_record_id",
        "created_by_id",
        "project_id",
        "stage_id",
        "skills",
        "event_mode",
    ),
    "projects_entry": (
        "id",
        "state",
        "created_at",
        "updated_at",
        "score_count",
        "score_total",
        "call_id",
        "entrant_id",
        "record_id",
    ),
    "projects_score": ("id", "value", "updated_at", "entry_id", "reviewer_id"),
}
TABLES = tuple(COLUMNS)
STAGES = ("Writing", "Illustration", "Animation", "Score", "Edit")
ADJECTIVES = ("Turnip", "Buttoned", "Prim", "Proper", "Velvet", "Paper", "Quiet", "Northern")
NOUNS = ("head", "gentleman", "portrait", "sketch", "study", "figure", "profile", "walk")


# --- the data ------------------------------------------------------------------------


@dataclass
class Data:
    """What the generator made, and what the pages must show from it."""

    entrant: list[int]  # entry i (1-based) → its entrant, also its record's owner
    state: list[str]
    scores: list[list[tuple[int, int]]]  # entry i → [(reviewer, value)]

    @classmethod
    def generate(cls) -> Data:
        rng = random.Random(SEED)
        entrant = [0] + [FIRST_MEMBER + rng.randrange(MEMBERS) for _ in range(ENTRIES)]
        state = ["", *rng.choices(STATES, STATE_WEIGHTS, k=ENTRIES)]
        for i in rng.sample(range(1, ENTRIES + 1), SELECTED):
            state[i] = "selected"
        reviewers = (LEADER, *CO_LEADERS)
        scores: list[list[tuple[int, int]]] = [[]]
        for _ in range(ENTRIES):
            k = rng.choices(SCORE_COUNTS, SCORE_WEIGHTS)[0]
            scores.append([(r, rng.randint(1, 5)) for r in reviewers[:k]])
        return cls(entrant, state, scores)

    def review_ids(self, page: int) -> list[int]:
        """The entry ids of a review page: least scored first, then by id."""
        order = sorted(range(1, ENTRIES + 1), key=lambda i: (len(self.scores[i]), i))
        return order[(page - 1) * REVIEW_PAGE : page * REVIEW_PAGE]

    @staticmethod
    def api_ids(page: int) -> list[int]:
        """The entry ids of an API page: newest first."""
        top = ENTRIES - (page - 1) * API_LIMIT
        return list(range(top, top - API_LIMIT, -1))

    @property
    def entrants(self) -> int:
        return len(set(self.entrant[1:]))

    @property
    def scored(self) -> int:
        return sum(1 for s in self.scores[1:] if s)

    @property
    def score_rows(self) -> int:
        return sum(len(s) for s in self.scores)


def stamp(moment: datetime, suffix: str) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S") + suffix


def rows(d: Data, table: str, suffix: str, true: Any, false: Any) -> Iterator[tuple]:
    """The rows of one table, as tuples in COLUMNS order."""
    at = stamp(BASE, suffix)
    if table == "accounts_user":
        people = [(LEADER, "leader", "Lea Leader")]
        people += [(u, f"coleader{n}", f"Co-leader {n}") for n, u in enumerate(CO_LEADERS, 1)]
        members = range(FIRST_MEMBER, FIRST_MEMBER + MEMBERS)
        people += [(u, f"member{u}", f"Member {u}") for u in members]
        for uid, username, name in people:
            yield (
                uid,
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
                name,
                "",
                "",
                "",
                "[]",
            )
    elif table == "records_record":
        for i in range(1, ENTRIES + 1):
            made = stamp(BASE + timedelta(minutes=i), suffix)
            title = f"{ADJECTIVES[i % 8]} {NOUNS[i // 8 % 8]} {i}"
            yield (
                i,
                "image",
                title,
                "",
                "",
                "accord",
                "public",
                1,
                made,
                made,
                made,
                None,
                d.entrant[i],
                i,
            )
    elif table == "records_version":
        metadata = '{"width": 3000, "height": 2000, "plays_in_browser": true, "animated": false}'
        for i in range(1, ENTRIES + 1):
            made = stamp(BASE + timedelta(minutes=i), suffix)
            yield (
                i,
                1,
                "",
                made,
                f"bench-{i:08d}",
                "original.jpg",
                f"sketch-{i}.jpg",
                2_400_000 + i,
                f"{i:064x}",
                "JPEG",
                "image/jpeg",
                "JPEG image",
                "jpg",
                "ready",
                "",
                100,
                1,
                made,
                made,
                metadata,
                "",
                None,
                i,
                d.entrant[i],
            )
    elif table == "records_rendition":
        for i in range(1, ENTRIES + 1):
            yield 2 * i - 1, "thumb_small", "thumb_small.webp", "image/webp", 24_000, 480, 320, i
            yield 2 * i, "thumb_large", "thumb_large.webp", "image/webp", 180_000, 1600, 1067, i
    elif table == "projects_project":
        yield (
            PROJECT,
            "the-man-with-a-turnip-for-a-head",
            "The Man With a Turnip for a Head",
            "A short film.",
            "<p>A short film.</p>",
            "open",
            at,
            at,
            None,
            LEADER,
            5_000,
        )
    elif table == "projects_leader":
        for n, user in enumerate(CO_LEADERS, 1):
            yield n, at, LEADER, user, PROJECT
    elif table == "projects_stage":
        for n, name in enumerate(STAGES, 1):
            yield n, n - 1, name, "active" if name == "Illustration" else "upcoming", PROJECT
    elif table == "projects_call":
        deadline = stamp(datetime.now(UTC) + timedelta(days=30), suffix)
        yield (
            CALL,
            "Design the main character",
            "Prim, proper, buttoned-up; his head is a turnip.",
            "<p>Prim, proper, buttoned-up; his head is a turnip.</p>",
            '["image"]',
            deadline,
            false,
            10_000,
            "open",
            false,
            "open",
            at,
            "benchcall001",
            None,
            LEADER,
            PROJECT,
            2,
            '["illustration"]',
            false,
        )
    elif table == "projects_entry":
        for i in range(1, ENTRIES + 1):
            made = stamp(BASE + timedelta(minutes=i, seconds=30), suffix)
            s = d.scores[i]
            yield i, d.state[i], made, made, len(s), sum(v for _, v in s), CALL, d.entrant[i], i
    elif table == "projects_score":
        n = 0
        for i in range(1, ENTRIES + 1):
            for reviewer, value in d.scores[i]:
                n += 1
                yield n, value, stamp(BASE + timedelta(days=3, minutes=i), suffix), i, reviewer


# --- loading -------------------------------------------------------------------------


@dataclass
class Load:
    migrate_s: float
    rows_s: float
    analyze_s: float


def prepare(env: dict[str, str]) -> float:
    """Migrate and collect static files (the pages' {% static %} needs the manifest)."""
    start = time.perf_counter()
    manage(env, "migrate", "--no-input", "--verbosity", "0")
    manage(env, "collectstatic", "--no-input", "--verbosity", "0")
    return time.perf_counter() - start


def load_sqlite(d: Data, path: Path, env: dict[str, str]) -> Load:
    migrate_s = prepare(env)
    db = sqlite3.connect(path, isolation_level=None)
    try:
        start = time.perf_counter()
        db.execute("BEGIN")
        for table in TABLES:
            cols = COLUMNS[table]
            insert = f"INSERT INTO {table} ({','.join(cols)}) VALUES "  # noqa: S608 (constants)
            db.executemany(insert + f"({','.join('?' * len(cols))})", rows(d, table, "", 1, 0))
            last = f"SELECT MAX(id) FROM {table}"  # noqa: S608 (table names are constants)
            seq = db.execute(last).fetchone()[0]
            db.execute("INSERT OR REPLACE INTO sqlite_sequence VALUES (?, ?)", (table, seq))
        db.execute("COMMIT")
        rows_s = time.perf_counter() - start
        start = time.perf_counter()
        db.execute("ANALYZE")
        analyze_s = time.perf_counter() - start
    finally:
        db.close()
    return Load(migrate_s, rows_s, analyze_s)


def copy_text(values: Iterable[tuple]) -> Iterator[bytes]:
    """COPY's text format (our values hold no tabs, newlines or backslashes)."""
    lines = ["\t".join("\\N" if v is None else str(v) for v in row) for row in values]
    yield ("\n".join(lines) + "\n").encode()


def load_postgres(d: Data, env: dict[str, str]) -> Load:
    import psycopg

    pg_admin(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)", f"CREATE DATABASE {PG_NAME}")
    migrate_s = prepare(env)
    url = PG_URL.replace("postgres://", "postgresql://")
    with psycopg.connect(url) as db:
        start = time.perf_counter()
        # Records and versions point at each other; Django's foreign keys are deferred,
        # so one transaction loads both in any order.
        for table in TABLES:
            with db.cursor().copy(f"COPY {table} ({','.join(COLUMNS[table])}) FROM STDIN") as cp:
                for piece in copy_text(rows(d, table, "+00", "t", "f")):
                    cp.write(piece)
            last = f"SELECT MAX(id) FROM {table}"  # noqa: S608 (table names are constants)
            db.execute(f"SELECT setval(pg_get_serial_sequence(%s, 'id'), ({last}))", [table])
        db.commit()
        rows_s = time.perf_counter() - start
    start = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as db:
        db.execute("VACUUM ANALYZE")
    return Load(migrate_s, rows_s, time.perf_counter() - start)


# --- measuring (in the child process) ------------------------------------------------


REQUESTS = ("review_1", "review_n", "api_1", "api_n")
# cProfile: where a request's time goes, by the cumulative time of these functions.
PROFILE_PARTS = (
    ("`media_for` (per card)", "ensemble/records/present.py", "media_for"),
    ("signed media URLs (`links.media_url`)", "ensemble/records/links.py", "media_url"),
    ("template rendering (`render_to_string`)", "django/template/loader.py", "render_to_string"),
    ("queryset evaluation (`QuerySet._fetch_all`)", "django/db/models/query.py", "_fetch_all"),
    ("`Paginator.count`", "django/core/paginator.py", "count"),
    ("`entry_out` (API items)", "ensemble/projects/api/calls.py", "entry_out"),
    ("response validation (ninja/pydantic)", "ninja/operation.py", "_result_to_response"),
)


def profile_parts(profile: cProfile.Profile, calls: int) -> dict[str, Any]:
    stats = pstats.Stats(profile)
    raw: dict[tuple[str, int, str], tuple] = stats.stats  # type: ignore[attr-defined]
    total = max(stats.total_tt, 1e-9)  # type: ignore[attr-defined]
    parts = {}
    for label, file_end, name in PROFILE_PARTS:
        cumulative = sum(
            ct
            for (file, _, fn), (_, _, _, ct, _) in raw.items()
            if fn == name and file.endswith(file_end)
        )
        if cumulative:
            parts[label] = {"ms": cumulative * 1000 / calls, "share": cumulative / total}
    top = sorted(raw.items(), key=lambda kv: kv[1][2], reverse=True)[:12]
    hot = [
        {"where": f"{Path(file).name}:{line} {fn}", "self_ms": tt * 1000 / calls, "calls": nc}
        for (file, line, fn), (_, nc, tt, _, _) in top
    ]
    return {"total_ms": total * 1000 / calls, "parts": parts, "hot": hot}


def measure_in_django(spec: dict[str, Any]) -> dict[str, Any]:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from ensemble.accounts.models import User
    from ensemble.projects.models import Entry
    from ensemble.projects.views import review as views

    if views.REVIEW_PAGE != REVIEW_PAGE:
        raise BenchError(f"The review grid shows {views.REVIEW_PAGE} a page, not {REVIEW_PAGE}")
    out: dict[str, Any] = {"entries": Entry.objects.filter(call_id=CALL).count()}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            out["database"] = f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
        else:
            out["database"] = f"SQLite {sqlite3.sqlite_version}"
    client = Client()
    client.force_login(User.objects.get(pk=LEADER))
    review = f"/calls/{CALL}/review"
    api = f"/api/v1/calls/{CALL}/entries?limit={API_LIMIT}"
    cursor_token = None
    for _ in range(PAGE - 1):  # the 50th API page is reached by following next_cursor
        page = client.get(api + (f"&cursor={cursor_token}" if cursor_token else "")).json()
        cursor_token = page["next_cursor"]
    paths = {
        "review_1": f"{review}?page=1",
        "review_n": f"{review}?page={PAGE}",
        "api_1": api,
        "api_n": f"{api}&cursor={cursor_token}",
    }
    out["paths"] = paths
    checks = spec["expect"]

    def get(name: str) -> Any:
        return client.get(paths[name])

    for name in REQUESTS:  # what each request returns must be right before it is timed
        response = get(name)
        if response.status_code != 200:
            raise BenchError(f"{paths[name]} answered {response.status_code}")
        if name.startswith("review"):
            body = response.content.decode()
            ids = [int(x) for x in re.findall(r'name="entry" value="(\d+)"', body)]
            number = 1 if name == "review_1" else PAGE
            if f"Page {number} of {spec['review_pages']}" not in body:
                raise BenchError(f"{paths[name]} does not say it is page {number}")
        else:
            ids = [item["id"] for item in response.json()["items"]]
        if ids != checks[name]:
            raise BenchError(f"{paths[name]} shows {ids[:5]}…, expected {checks[name][:5]}…")
        out.setdefault("bytes", {})[name] = len(response.content)
    for name in REQUESTS:
        for _ in range(WARMUP):
            get(name)
    times: dict[str, list[float]] = {name: [] for name in REQUESTS}
    for _ in range(spec["runs"]):  # interleaved: a burst of other work hits every row a bit
        for name in REQUESTS:
            start = time.perf_counter()
            get(name)
            times[name].append((time.perf_counter() - start) * 1000)
    for name, values in times.items():
        out[name] = {
            "median_ms": statistics.median(values),
            "p95_ms": percentile(values, 95),
            "runs": len(values),
        }
    sql_s = [0.0]

    def timing(execute: Callable, sql: str, params: Any, many: bool, context: Any) -> Any:
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            sql_s[0] += time.perf_counter() - start

    for name in REQUESTS:
        sql_ms = []
        for _ in range(5):
            sql_s[0] = 0.0
            with connection.execute_wrapper(timing), CaptureQueriesContext(connection) as captured:
                get(name)
            sql_ms.append(sql_s[0] * 1000)
        out[name]["queries"] = len(captured.captured_queries)
        out[name]["sql_ms"] = statistics.median(sql_ms)
        out[name]["sql"] = [q["sql"][:300] for q in captured.captured_queries]
    for name in REQUESTS:
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(PROFILE_CALLS):
            get(name)
        profile.disable()
        out[name]["profile"] = profile_parts(profile, PROFILE_CALLS)
    return out


# --- report --------------------------------------------------------------------------


def command_line() -> str:
    return " ".join([".venv/bin/python", "bench/projects.py", *sys.argv[1:]])


def ms(value: float) -> str:
    return f"{value:.2f} ms" if value < 10 else f"{value:.1f} ms"


LABELS = {
    "review_1": "review grid, page 1 (`/calls/<id>/review?page=1`)",
    "review_n": f"review grid, page {PAGE} (`?page={PAGE}`)",
    "api_1": f"entries API, first page (`/api/v1/calls/<id>/entries?limit={API_LIMIT}`)",
    "api_n": f"entries API, page {PAGE} (after {PAGE - 1} `next_cursor` hops)",
}


def same_count(m: dict[str, Any], first: str, nth: str) -> str:
    a, b = m[first]["queries"], m[nth]["queries"]
    return f"yes ({a} and {b})" if a == b else f"**no** ({a} on page 1, {b} on page {PAGE})"


def breakdown(m: dict[str, Any], name: str) -> str:
    profile = m[name]["profile"]
    parts = ", ".join(
        f"{label} {p['share']:.0%}" for label, p in profile["parts"].items() if p["share"] >= 0.02
    )
    return f"{LABELS[name].split(' (')[0]}: {parts}"


def section(d: Data, m: dict[str, Any], load: Load, load_before: float, runs: int) -> str:
    machine = (
        f"Measured {today()}, {cores()} cores ({cpu_model()}), {memory_total_gb():.0f} GB RAM, "
        f"Python {python_version()}, {m['database']}, Django {version('django')}, "
        f"django-ninja {version('django-ninja')}; load average {load_before:.1f} when the run "
        "started (the machine is shared: other work may have run at the same time)."
    )
    shape = (
        f"The call (seed {SEED}): {ENTRIES:,} entries of public image records (each with a "
        f"ready version and two thumbnails) by {d.entrants:,} of {MEMBERS:,} members; "
        f"{d.scored:,} entries scored ({d.score_rows:,} scores by 3 leaders); the grid shows "
        f"{REVIEW_PAGE} a page, least reviewed first, so page {PAGE} of "
        f"{-(-ENTRIES // REVIEW_PAGE)} is in the middle. Loaded in "
        f"{load.migrate_s + load.rows_s + load.analyze_s:.0f} s (migrate and collectstatic "
        f"{load.migrate_s:.0f} s, rows {load.rows_s:.1f} s, ANALYZE {load.analyze_s:.1f} s)."
    )
    lines = [
        "| request (leader signed in) | median | p95 | runs | queries | of which SQL | "
        "response | ≤ 50 ms |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name in REQUESTS:
        r = m[name]
        verdict = "met" if r["median_ms"] <= GOAL_MS else "**not met**"
        lines.append(
            f"| {LABELS[name]} | {ms(r['median_ms'])} | {ms(r['p95_ms'])} | {r['runs']} "
            f"| {r['queries']} | {ms(r['sql_ms'])} | {m['bytes'][name] / 1024:.0f} KB "
            f"| {verdict} |"
        )
    counts = (
        f"Same query count on page 1 and page {PAGE}: review grid "
        f"{same_count(m, 'review_1', 'review_n')}; entries API "
        f"{same_count(m, 'api_1', 'api_n')}."
    )
    where = (
        f"Where the time goes (cProfile, {PROFILE_CALLS} calls each; shares of the profiled "
        "time, which cProfile inflates for Python-heavy parts; shares overlap where one part "
        "runs inside another, as signing inside `media_for`): "
        + "; ".join(breakdown(m, name) for name in ("review_n", "api_n"))
        + "."
    )
    return (
        "_Written by `make bench-projects` (bench/projects.py); edit the script, not this "
        f"section._ Command: `{command_line()}`.\n\n"
        f"{machine}\n\n{shape}\n\n"
        f"Each row: `django.test.Client.get` in-process (no HTTP server; middleware, session, "
        f"view, queries and rendering), DEBUG off; {WARMUP} warm-up calls, then {runs} "
        "rounds with the four requests interleaved. Queries: counted on one more call under "
        '`CaptureQueriesContext` ("of which SQL": the time the cursors\' `execute` calls '
        "took, the median of 5 such calls; SQLite hands over rows as they are read, so its "
        "figure leaves some of the work out). Every response is checked first: the right "
        "entries, in the right order.\n\n" + "\n".join(lines) + f"\n\n{counts}\n\n{where}\n"
    )


SKELETON = """

## Projects: reviewing a call with 5,000 entries

`make bench-projects` (`bench/projects.py`, about a minute) bulk-loads a call with 5,000
entries into a throwaway SQLite file and a throwaway PostgreSQL database and times, in
process with the leader signed in, the review grid (page 1 and page 50) and the entries
API (first page and the 50th, by cursor). Goal (issue 5): ≤ 50 ms server time and the same
number of queries on page 1 and page 50.

```sh
make bench-projects                                  # both databases, rewrites the sections below
.venv/bin/python bench/projects.py --db postgres     # one database
.venv/bin/python bench/projects.py --quick           # fewer runs; prints only
```

### Projects, SQLite

<!-- bench:projects-sqlite:start -->
<!-- bench:projects-sqlite:end -->

### Projects, PostgreSQL

<!-- bench:projects-postgres:start -->
<!-- bench:projects-postgres:end -->

### Reading the projects figures

<!-- bench:projects-reading:start -->
<!-- bench:projects-reading:end -->
"""


def ensure_skeleton() -> None:
    """Add the projects part of the page once, after everything already there."""
    text = DOC.read_text()
    if "<!-- bench:projects-sqlite:start -->" not in text:
        DOC.write_text(text.rstrip() + SKELETON)


def print_figures(name: str, m: dict[str, Any], verbose: bool) -> None:
    for key in REQUESTS:
        r = m[key]
        print(
            f"  {name:<9} {key:<9} median {ms(r['median_ms']):>9}  p95 {ms(r['p95_ms']):>9}  "
            f"{r['queries']:>2} queries  SQL {ms(r['sql_ms']):>9}",
            flush=True,
        )
        if verbose:
            for sql in r["sql"]:
                print(f"      {sql}")
            profile = r["profile"]
            print(f"      profiled {ms(profile['total_ms'])} per call")
            for label, p in profile["parts"].items():
                print(f"      {p['share']:5.0%} {ms(p['ms']):>9}  {label}")
            for hot in profile["hot"]:
                print(f"      self {ms(hot['self_ms']):>9} {hot['calls']:>7}  {hot['where']}")


# --- main ----------------------------------------------------------------------------


def run_database(
    name: str, d: Data, runs: int, load_before: float, verbose: bool
) -> tuple[dict[str, Any], Load]:
    with tempfile.TemporaryDirectory(prefix="ensemble-bench-projects-") as tmp:
        folder = Path(tmp)
        try:
            if name == "sqlite":
                path = folder / "projects.sqlite3"
                env = bench_env(folder, f"sqlite:///{path}", SITE_URL=TEST_CLIENT_SITE)
                print(f"sqlite: loading into {path}", flush=True)
                load = load_sqlite(d, path, env)
            else:
                env = bench_env(folder, PG_URL, SITE_URL=TEST_CLIENT_SITE)
                print(f"postgres: loading into {PG_NAME}", flush=True)
                load = load_postgres(d, env)
            print(
                f"  migrate+collectstatic {load.migrate_s:.1f} s, rows {load.rows_s:.1f} s, "
                f"analyze {load.analyze_s:.1f} s",
                flush=True,
            )
            spec = {
                "runs": runs,
                "review_pages": -(-ENTRIES // REVIEW_PAGE),
                "expect": {
                    "review_1": d.review_ids(1),
                    "review_n": d.review_ids(PAGE),
                    "api_1": d.api_ids(1),
                    "api_n": d.api_ids(PAGE),
                },
            }
            m = measure_in_child(__file__, env, spec, show_progress=False)
        finally:
            if name == "postgres":
                pg_admin(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
    if m["entries"] != ENTRIES:
        raise BenchError(f"The call has {m['entries']} entries, expected {ENTRIES}")
    print_figures(name, m, verbose)
    return m, load


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--quick", action="store_true", help="5 runs; print only")
    parser.add_argument("--verbose", action="store_true", help="print the SQL and profiles")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure_in_django(json.loads(args.child))))
        return 0
    runs = 5 if args.quick else RUNS
    load_before = load_average()
    try:
        d = Data.generate()
        names = ("sqlite", "postgres") if args.db == "both" else (args.db,)
        for name in names:
            m, load = run_database(name, d, runs, load_before, args.verbose)
            body = section(d, m, load, load_before, runs)
            if args.quick:
                print(body)
            else:
                ensure_skeleton()
                write_section(DOC, f"projects-{name}", body)
                print(f"Wrote the bench:projects-{name} section of {DOC.relative_to(ROOT)}")
            load_before = load_average()
    except BenchError as error:
        print(f"bench-projects: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
