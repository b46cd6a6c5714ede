"""bench/community.py's sections: the machine, the data, the build, then the requests'
figures, their queries, and the plans of the slowest statements."""

from __future__ import annotations

import re
from importlib.metadata import version
from typing import Any

from community_child import BUDGET_S, GOAL_MS, LATER, MIN_RUNS, REQUESTS, WARMUP
from community_world import (
    COMMON,
    FOLLOWED_PROJECTS,
    PROJECTS,
    PSEUDO_WORDS,
    RARE,
    READER_RECORDS,
    REAL,
    SEED,
    STEP,
    World,
)
from harness import Laps
from report import Page, machine_line, ms, table, verdict

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
HEAD = (
    "request (the reader signed in)",
    "median",
    "p95",
    "runs",
    "queries",
    "of which SQL",
    "slowest statement",
    "response",
    "≤ 50 ms",
)
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


def describe_load(w: World, laps: Laps, m: dict[str, Any]) -> str:
    analyze = "VACUUM ANALYZE" if "jit" in m else "ANALYZE"
    engine = "the weighted tsvectors and the GIN index" if "jit" in m else "FTS5 `rebuild`"
    return (
        f"Build: generated in {w.generate_s:.0f} s (in the parent, shared by both databases); "
        f"loaded in {sum(laps.values()):.0f} s: migrate and collectstatic "
        f"{laps['migrate']:.0f} s, rows {laps['rows']:.0f} s, secondary indexes "
        f"{laps['index']:.0f} s, full-text index ({engine}) {laps['fulltext']:.0f} s, "
        f"{analyze} {laps['analyze']:.0f} s; projects through the services "
        f"{m['setup_s']:.0f} s. Database size {m['size_mb'] / 1000:.1f} GB."
    )


def shortened(sql: str) -> str:
    """The statement with a long column list cut to its count (the plans are the point)."""
    match = re.match(r"SELECT (.*?) FROM ", sql)
    if match and len(match.group(1)) > 200:
        columns = match.group(1).count(", ") + 1
        return f"SELECT … ({columns} columns) FROM " + sql[match.end() :]  # noqa: S608 (shown, not run)
    return sql


def section(w: World, m: dict[str, Any], laps: Laps, page: Page, runs: int) -> str:
    settings = (
        f" (jit {m['jit']}, shared_buffers {m['shared_buffers']}, work_mem {m['work_mem']})"
        if "jit" in m
        else ""
    )
    machine = machine_line(
        f"{m['database']}{settings}",
        f"Django {version('django')}",
        f"django-ninja {version('django-ninja')}",
        load_before=page.load_before,
    )
    figures = table(
        HEAD,
        "lrrrrrlrl",
        (
            (
                LABELS[name],
                ms(m[name]["median_ms"]),
                ms(m[name]["p95_ms"]),
                m[name]["runs"],
                m[name]["queries"],
                ms(m[name]["sql_ms"]),
                f"{ms(m[name]['slowest']['ms'])}: {m[name]['slowest']['label']}",
                f"{m['bytes'][name] / 1024:.0f} KB",
                verdict(m[name]["median_ms"] <= GOAL_MS),
            )
            for name in REQUESTS
        ),
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
        page.header()
        + f"{machine}\n\n{describe_world(w, m)}\n\n{describe_load(w, laps, m)}\n\n{method}\n\n"
        + figures
        + f"\n\n{counts}\n\n{parts}\n\n{goal}{plans}\n"
    )
