"""`make bench-projects`: a call with 5,000 entries, its review grid and its entries API.

Steps:
1. For each database: a throwaway database (an SQLite file in a temporary folder, or the
   PostgreSQL database `ensemble_bench_projects`), migrated by `ensemble migrate` and its
   static files collected by `ensemble collectstatic`, as an operator would (DEBUG off,
   a random SECRET_KEY, as bench/run.py configures it).
2. Bulk-load, seeded (bench/bulkload.py: PostgreSQL COPY; SQLite executemany in one
   transaction), then ANALYZE (PostgreSQL: VACUUM ANALYZE), the call of
   bench/projects_data.py: 2,000 members, 5,000 public image records with their versions
   and thumbnails, one open project owned by the **leader** (with two co-leaders), one
   open call, and 5,000 entries, one per record, ~45 % scored by one to three leaders.
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

import cProfile
import functools
import pstats
import re
import statistics
import sys
import time
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any

from bulkload import load
from harness import (
    BenchError,
    Laps,
    arguments,
    database_facts,
    engines,
    interleaved,
    measure_in_child,
    migrate,
    run,
    summary,
    throwaway,
)
from projects_data import (
    API_LIMIT,
    CALL,
    ENTRIES,
    LEADER,
    MEMBERS,
    PAGE,
    REVIEW_PAGE,
    SEED,
    TABLES,
    Data,
    table_rows,
)
from report import Page, machine_line, ms, table, verdict

TEST_CLIENT_SITE = "http://testserver"  # the test client's host is the site's
GOAL_MS = 50
RUNS = 20
WARMUP = 3
PROFILE_CALLS = 10


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


def measure(spec: dict[str, Any]) -> dict[str, Any]:
    """In the child: Django set up against the loaded database."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from ensemble.accounts.models import User
    from ensemble.projects.models import Entry
    from ensemble.projects.views import review as views

    if views.REVIEW_PAGE != REVIEW_PAGE:
        raise BenchError(f"The review grid shows {views.REVIEW_PAGE} a page, not {REVIEW_PAGE}")
    out: dict[str, Any] = database_facts()
    out["entries"] = Entry.objects.filter(call_id=CALL).count()
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
    # Interleaved: a burst of other work hits every row a bit.
    calls = {name: functools.partial(get, name) for name in REQUESTS}
    for name, values in interleaved(calls, spec["runs"], warmup=WARMUP).items():
        out[name] = summary(values)
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


def section(d: Data, m: dict[str, Any], laps: Laps, page: Page, runs: int) -> str:
    machine = machine_line(
        m["database"],
        f"Django {version('django')}",
        f"django-ninja {version('django-ninja')}",
        load_before=page.load_before,
    )
    shape = (
        f"The call (seed {SEED}): {ENTRIES:,} entries of public image records (each with a "
        f"ready version and two thumbnails) by {d.entrants:,} of {MEMBERS:,} members; "
        f"{d.scored:,} entries scored ({d.score_rows:,} scores by 3 leaders); the grid shows "
        f"{REVIEW_PAGE} a page, least reviewed first, so page {PAGE} of "
        f"{-(-ENTRIES // REVIEW_PAGE)} is in the middle. Loaded in {sum(laps.values()):.0f} s "
        f"(migrate and collectstatic {laps['migrate']:.0f} s, rows {laps['rows']:.1f} s, "
        f"ANALYZE {laps['analyze']:.1f} s)."
    )
    head = ("request (leader signed in)", "median", "p95", "runs", "queries", "of which SQL")
    rows = (
        (
            LABELS[name],
            ms(m[name]["median_ms"]),
            ms(m[name]["p95_ms"]),
            m[name]["runs"],
            m[name]["queries"],
            ms(m[name]["sql_ms"]),
            f"{m['bytes'][name] / 1024:.0f} KB",
            verdict(m[name]["median_ms"] <= GOAL_MS),
        )
        for name in REQUESTS
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
        page.header() + f"{machine}\n\n{shape}\n\n"
        f"Each row: `django.test.Client.get` in-process (no HTTP server; middleware, session, "
        f"view, queries and rendering), DEBUG off; {WARMUP} warm-up calls, then {runs} "
        "rounds with the four requests interleaved. Queries: counted on one more call under "
        '`CaptureQueriesContext` ("of which SQL": the time the cursors\' `execute` calls '
        "took, the median of 5 such calls; SQLite hands over rows as they are read, so its "
        "figure leaves some of the work out). Every response is checked first: the right "
        "entries, in the right order.\n\n"
        + table((*head, "response", "≤ 50 ms"), "lrrrrrrl", rows)
        + f"\n\n{counts}\n\n{where}\n"
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


def run_database(name: str, d: Data, runs: int, verbose: bool) -> tuple[dict[str, Any], Laps]:
    with throwaway(name, "projects", SITE_URL=TEST_CLIENT_SITE) as db:
        print(f"{name}: loading into {db.where}", flush=True)
        laps = Laps(migrate=migrate(db.env, static=True))
        load(db, TABLES, functools.partial(table_rows, d), laps)
        print(
            f"  migrate+collectstatic {laps['migrate']:.1f} s, rows {laps['rows']:.1f} s, "
            f"analyze {laps['analyze']:.1f} s",
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
        m = measure_in_child("projects:measure", db.env, spec, show_progress=False)
    if m["entries"] != ENTRIES:
        raise BenchError(f"The call has {m['entries']} entries, expected {ENTRIES}")
    print_figures(name, m, verbose)
    return m, laps


def main() -> int:
    parser = arguments(__doc__, quick="5 runs; print only")
    parser.add_argument("--verbose", action="store_true", help="print the SQL and profiles")
    args = parser.parse_args()
    runs = 5 if args.quick else RUNS
    page = Page("make bench-projects", "bench/projects.py", write=not args.quick, skeleton=SKELETON)

    def bench() -> None:
        d = Data.generate()
        for name in engines(args.db):
            m, laps = run_database(name, d, runs, args.verbose)
            page.publish(f"projects-{name}", section(d, m, laps, page, runs))

    return run("make bench-projects", bench)


if __name__ == "__main__":
    sys.exit(main())
