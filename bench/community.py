"""`make bench-community`: the home feed and search with 1,000,000 records and 100,000 members.

Steps:
1. Generate, seeded (bench/community_world.py): 100,000 members, 1,000,000 records with
   generated text, tags and lineage edges, ~1,000,000 follows. The **reader** (member 1)
   owns 40 records, each remixed by 8 others, and follows 500 people. The **common
   word** ("river") is in 10 % of the records and bios, the **rare word** ("marigold")
   in 12 records.
2. For each database: a throwaway database (an SQLite file in a temporary folder, or the
   PostgreSQL database `ensemble_bench_community`, created and dropped), migrated by
   `ensemble migrate` and its static files collected, as an operator would (DEBUG off,
   a random SECRET_KEY); the rows bulk-loaded with secondary indexes dropped and rebuilt
   after (bench/bulkload.py: PostgreSQL COPY; SQLite executemany in one transaction);
   one search document per public record and per member, and the full-text index filled
   in bulk with the SQL `index.put` runs (bench/community_load.py); then ANALYZE
   (PostgreSQL: VACUUM ANALYZE).
3. In a fresh process with Django set up against it (bench/community_child.py): 30 open
   projects made through the services, the reader following 20 of them, each with 3
   updates and a call (their dates moved into the records' timeline afterwards).
   Checks: documents re-made by the real `reindex` functions equal the bulk-loaded ones
   (PostgreSQL: the tsvector too); both words match exactly the documents generated
   with them.
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

import random
import sys
from typing import Any

from community_child import FEED_PAGE, LATER, QUICK_RUNS, REQUESTS, RUNS
from community_load import load
from community_report import section
from community_world import (
    COMMON,
    MEMBERS,
    PROJECTS,
    QUICK_MEMBERS,
    QUICK_RECORDS,
    READER,
    REAL,
    RECORDS,
    SEED,
    World,
)
from harness import Laps, arguments, engines, measure_in_child, migrate, run, throwaway
from report import Page, ms

TEST_CLIENT_SITE = "http://testserver"  # the test client's host is the site's

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
    words = list(REAL)
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
) -> tuple[dict[str, Any], Laps]:
    with throwaway(name, "community", keep=keep, SITE_URL=TEST_CLIENT_SITE) as db:
        print(f"{name}: loading into {db.where}", flush=True)
        laps = Laps(migrate=migrate(db.env, static=True))
        size_mb = load(w, db, laps)
        print(
            f"  loaded in {sum(laps.values()):.1f} s (migrate+collectstatic "
            f"{laps['migrate']:.1f}, rows {laps['rows']:.1f}, indexes {laps['index']:.1f}, "
            f"full-text {laps['fulltext']:.1f}, analyze {laps['analyze']:.1f}); "
            f"{size_mb:,.0f} MB",
            flush=True,
        )
        m = measure_in_child("community_child:measure", db.env, spec_for(w, runs))
    m["size_mb"] = size_mb
    print_figures(name, m, verbose)
    return m, laps


def main() -> int:
    quick = f"{QUICK_RECORDS:,} records, {QUICK_RUNS} runs; print only"
    parser = arguments(__doc__, quick=quick)
    parser.add_argument("--verbose", action="store_true", help="print every statement")
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the PostgreSQL database ensemble_bench_community afterwards, to study plans",
    )
    args = parser.parse_args()
    runs = QUICK_RUNS if args.quick else RUNS
    records, members = (QUICK_RECORDS, QUICK_MEMBERS) if args.quick else (RECORDS, MEMBERS)
    page = Page(
        "make bench-community", "bench/community.py", write=not args.quick, skeleton=SKELETON
    )

    def bench() -> None:
        print(f"Generating {records:,} records and {members:,} members", flush=True)
        w = World.generate(records, members)
        print(
            f"  in {w.generate_s:.1f} s: {len(w.edges):,} edges, {len(w.follows):,} follows, "
            f"{w.documents:,} documents, “{COMMON}” in {w.common_docs:,}, the reader's 500 "
            f"followed have {w.followed_records():,} public records",
            flush=True,
        )
        for name in engines(args.db):
            m, laps = run_database(name, w, runs, args.verbose, args.keep)
            page.publish(f"community-{name}", section(w, m, laps, page, runs))

    return run("make bench-community", bench)


if __name__ == "__main__":
    sys.exit(main())
