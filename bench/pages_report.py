"""What bench/pages.py writes into docs/benchmarks.md: the part's heading and commands
(once), then a section per database with the site, the machine and the table."""

from __future__ import annotations

from typing import Any

from harness import BenchError
from loadgen import Result
from pages_data import COMMENTS, Site
from pages_list import FLOOR
from pyload import NAME as PYLOAD
from report import Page, machine_line, ms, ratio_text, table

FIRST_BAR, GOAL = 0.07, 0.20  # issue 17: naive Django's share of the floor, and the goal
REFERENCE = "reference"  # the bar cell of naive Django's rows
REFERENCE_TEXT = (
    "The two reference rows are naive Django on the same server, middleware and data "
    "(`bench/naive_urls.py`: the 20 newest public records joined to their owners through "
    "`select_related`, a small template of its own, rendered on every request, anonymous "
    f"and signed in): the first bar, {FIRST_BAR} of the floor, is what such a page kept "
    "when measured before Ensemble was built (shared/FACTS.md), and here it is measured in "
    "the same run, so they are held to no bar."
)

SKELETON = """

## Pages: every page people visit, served, at a million records

`make bench-pages` (`bench/pages.py`) generates a site of PAGES_RECORDS records (default
1,000,000; members a tenth of that, three lineage edges a record, projects a hundredth, a
call with 5,000 entries, a thread of 1,000 comments), bulk-loads it into a throwaway SQLite
file and a throwaway PostgreSQL database, serves it with `ensemble serve --no-worker`
(DEBUG off), and loads every page people visit, anonymous and signed in, and the API
endpoints that match them, at 32 connections, with `/healthz` (the floor) in the same run.
Queries per page are counted in process (Django's test client). It is to replace `make
bench` as the serving benchmark (issue 17); `make bench` and its figures stay above, for
comparison. First bar (issue 17): every row ≥ 0.07 of the floor with p99 ≤ 250 ms; goal:
≥ 0.20 of the floor, p99 ≤ 100 ms.

The first bar is naive Django's: 0.07 (≈ 1/14) is what a plain Django list page kept of
the floor when measured before Ensemble was built (`shared/FACTS.md`, "Serving Django 6.1
on 2 cores"). So that page is measured here too, in the same run, as the two reference
rows right after the floor: the 20 newest public records joined to their owners
(`select_related`), in a small template of its own, rendered on every request
(`never_cache`, so the page cache never keeps it), anonymous and signed in (the reader's
session and user loaded), on the same server, middleware and data. It is bench only
(`bench/naive_urls.py`, served with `bench/naive_settings.py`: the site's settings, or
those DJANGO_SETTINGS_MODULE names, plus that page). The reference rows are held to no
bar: they say what the bar is on this machine, in this run.

```sh
make bench-pages                                        # both databases, rewrites the sections
.venv/bin/python bench/pages.py --db sqlite             # one database
PAGES_RECORDS=100000 .venv/bin/python bench/pages.py    # a smaller site
.venv/bin/python bench/pages.py --quick --db sqlite     # 20,000 records, 2 s a row; prints only
```

### Pages, SQLite

<!-- bench:pages-sqlite:start -->
<!-- bench:pages-sqlite:end -->

### Pages, PostgreSQL

<!-- bench:pages-postgres:start -->
<!-- bench:pages-postgres:end -->
"""


def who_text(page: dict[str, Any]) -> str:
    if page["who"] == "anonymous":
        return "anonymous"
    return f"{page['who']} ({'cookie' if page['how'] == 'session' else 'token'})"


def cached_text(q: dict[str, Any]) -> str:
    """In process as it is served once kept whole (a visitor's page by the page cache, a
    member's by core.memberpages); "–" where it is never kept whole."""
    return "–" if q.get("cached_ms") is None else ms(q["cached_ms"])


def rows(
    pages: list[dict[str, Any]],
    in_process: dict[str, Any],
    results: dict[str, Result | str],
    floor: float,
    seconds: int,
) -> list[tuple[object, ...]]:
    out: list[tuple[object, ...]] = []
    for page in pages:
        r, q = results[page["key"]], in_process[page["key"]]
        if isinstance(r, str):  # failed under load: its first line says how
            cells = (
                f"**failed**: {r.splitlines()[0]}",
                *("", "", "", ""),
                q["queries"],
                ms(q["ms"]),
                cached_text(q),
            )
            bar = REFERENCE if page["reference"] else "**below**"
            out.append((page["key"], f"`{page['path']}`", who_text(page), *cells, bar))
            continue
        ratio = r.requests_per_second / floor
        out.append(
            (
                page["key"],
                f"`{page['path']}`",
                who_text(page),
                f"{r.requests_per_second:,.0f}" if r.requests else f"0 (none in {seconds} s)",
                ratio_text(ratio),
                ms(r.p50_ms),
                ms(r.p99_ms),
                q["queries"],
                ms(q["ms"]),
                cached_text(q),
                bar_text(page, ratio, r.p99_ms),
            )
        )
    return out


def bar_text(page: dict[str, Any], ratio: float, p99_ms: float) -> str:
    """A row's bar cell: the goal or the first bar met, or **below**; none for the floor,
    "reference" for naive Django's rows (held to no bar: they are what the bar is)."""
    if page["path"] == FLOOR:
        return ""
    if page["reference"]:
        return REFERENCE
    if ratio >= GOAL and p99_ms <= 100:
        return "goal"
    return "bar" if ratio >= FIRST_BAR and p99_ms <= 250 else "**below**"


def served(facts: dict[str, Any]) -> str:
    """Threads and work slots per web process, as the run served (core/workslots.py)."""
    slots = facts.get("work_slots", 0)
    working = f"{slots} of them working at once" if slots else "all of them working at once"
    return f"{facts.get('threads', '?')} threads a process, {working}"


def section(
    page: Page,
    site: Site,
    pages: list[dict[str, Any]],
    facts: dict[str, Any],
    in_process: dict[str, Any],
    results: dict[str, Result | str],
    *,
    seconds: int,
    warmup: int,
) -> str:
    start, end = results[pages[0]["key"]], results["floor (end)"]
    if isinstance(start, str) or isinstance(end, str):
        raise BenchError(f"The floor failed under load: {start if isinstance(start, str) else end}")
    floor = (start.requests_per_second + end.requests_per_second) / 2
    generator = facts["generator"]
    machine = machine_line(
        facts["database"],
        f"Django {facts['django']}",
        f"granian {facts['granian']} WSGI (`ensemble serve --no-worker`, {served(facts)})",
        f"load from {generator} on the same machine",
        load_before=page.load_before,
    )
    laps = facts["laps"]
    warmed = f"{warmup} s of the same" if warmup else "the checks' calls (no warm-up load)"
    table_rows = rows(pages, in_process, results, floor, seconds)
    below = sum(1 for row in table_rows if row[-1] == "**below**")  # never a reference row
    held = sum(1 for p in pages if p["path"] != FLOOR and not p["reference"])
    caveat = (
        f" {PYLOAD} is the load generator (wrk is not installed): it spends more CPU per "
        "request than the server's cheapest answers, on the same cores, so the floor and "
        "the fastest rows are capped by it, and their ratios read low; slow pages, where "
        "the server's own work dominates, are measured fairly."
        if generator == PYLOAD
        else ""
    )
    return (
        page.header()
        + f"{machine}\n\nThe site: {site.records:,} records, {site.members:,} members, "
        f"{site.graph.edges:,} lineage edges, {site.projects:,} projects, a call with "
        f"{len(site.entries):,} entries, {COMMENTS:,} comments on record {site.ordinary} "
        f"(the ordinary one), record {site.used} used in {site.used_in():,} others, record "
        f"{site.deepest} with the deepest lineage ({len(site.graph.sources_of(site.deepest)):,} "
        f"sources); {facts['notifications']} notifications for the reader. Loaded in "
        f"{sum(laps.values()):.0f} s ({', '.join(f'{k} {v:.0f} s' for k, v in laps.items())}), "
        f"{facts['size_mb']:,.0f} MB.\n\n"
        f"Each row: {seconds} s at 32 connections after {warmed}; the floor (`{FLOOR}`) "
        f"first and last ({start.requests_per_second:,.0f} and {end.requests_per_second:,.0f} "
        f"req/s), each ratio to their mean. Queries and time in process: Django's test "
        f"client, the median of a few calls, rendered (whole pages not kept) and, for pages "
        f"kept whole (visitors' by the page cache, members' for their browser), as they are "
        f"served once kept (cached); served, each row asks for the same page again and again, "
        f"so it gets what is kept."
        f"{caveat} {REFERENCE_TEXT} {below} of {held} rows are below the first bar "
        f"(≥ {FIRST_BAR} of the floor, p99 ≤ 250 ms).\n\n"
        + table(
            (
                "page",
                "URL",
                "as",
                "req/s",
                "ratio to floor",
                "p50",
                "p99",
                "queries",
                "in process",
                "cached",
                "bar",
            ),
            "lllrlrrrrrl",
            table_rows,
        )
        + "\n"
    )
