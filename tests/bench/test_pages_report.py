"""bench/pages_list.py and bench/pages_report.py: the pages measured and the section
written, above all naive Django's reference rows, which are measured like every page but
held to no bar."""

import pytest
from loadgen import Result
from pages_data import READER, Site
from pages_list import FLOOR, NAIVE, pages_for
from pages_report import REFERENCE, REFERENCE_TEXT, rows, section
from report import Page

FACTS = {
    "project": "project-2",
    "proposal": 1,
    "pool": 1,
    "credentials": {"reader": {"username": f"member{READER}", "cookie": "sessionid=x"}},
}


@pytest.fixture(scope="module")
def site():
    return Site.generate(20_000)


@pytest.fixture(scope="module")
def pages(site):
    return pages_for(site, FACTS)


def served(key, per_second, p99_ms=50.0):
    return Result(key, 32, int(per_second * 2), per_second, p99_ms / 5, p99_ms)


def measured(pages, per_second):
    """Every page served at `per_second[key]` req/s (1,000 for the rest: 0.25 of the
    floor, the goal), the floor at 4,000 first and last; in process, 3 queries."""
    results = {p["key"]: served(p["key"], per_second.get(p["key"], 1_000)) for p in pages}
    results[pages[0]["key"]] = results["floor (end)"] = served("floor", 4_000)
    in_process = {p["key"]: {"queries": 3, "ms": 6.0, "cached_ms": None} for p in pages}
    return results, in_process


def test_the_reference_rows_come_right_after_the_floor_anonymous_then_signed_in(pages):
    floor, anonymous, signed_in, *rest = pages
    assert floor["path"] == FLOOR
    assert (anonymous["path"], anonymous["who"], anonymous["expect"]) == (
        NAIVE,
        "anonymous",
        "Not signed in",
    )
    assert (signed_in["path"], signed_in["who"], signed_in["how"]) == (NAIVE, "reader", "session")
    assert signed_in["expect"] == f"Signed in as @member{READER}"
    assert [anonymous["reference"], signed_in["reference"]] == [True, True]
    assert not any(p["reference"] for p in [floor, *rest])
    assert len({p["key"] for p in pages}) == len(pages)


def test_a_reference_row_is_held_to_no_bar_however_it_does(pages):
    slow = {pages[1]["key"]: 200, pages[3]["key"]: 200}  # 0.05 of the floor: below
    results, in_process = measured(pages, slow)
    results[pages[2]["key"]] = "signed in at 32 connections: 3 errors"
    table = {row[0]: row for row in rows(pages, in_process, results, 4_000, 2)}
    assert table[pages[1]["key"]][-1] == REFERENCE
    assert table[pages[1]["key"]][4] == "0.050 (≈ 1/20)"  # its figures stand
    assert table[pages[2]["key"]][-1] == REFERENCE
    assert table[pages[2]["key"]][3].startswith("**failed**")
    assert table[pages[3]["key"]][-1] == "**below**"
    assert table[pages[4]["key"]][-1] == "goal"
    assert table[pages[0]["key"]][-1] == ""  # the floor


def test_the_section_counts_only_the_sites_rows_and_says_what_the_references_are(site, pages):
    slow = {pages[1]["key"]: 200, pages[2]["key"]: 100, pages[3]["key"]: 200}
    results, in_process = measured(pages, slow)
    facts = {
        **FACTS,
        "database": "SQLite 3.40.1",
        "django": "6.1.3",
        "granian": "2.8.9",
        "generator": "wrk",
        "laps": {"migrate": 5.0, "rows": 10.0},
        "size_mb": 40.0,
        "notifications": 100,
    }
    page = Page("make bench-pages", "bench/pages.py", write=False)
    text = section(page, site, pages, facts, in_process, results, seconds=2, warmup=0)
    held = len(pages) - 3  # the floor and the two references
    assert f"{REFERENCE_TEXT} 1 of {held} rows are below the first bar" in text
    assert "| naive Django list (reference) | `/bench/naive-list` | anonymous | 200 |" in text
    assert text.count(f"| {REFERENCE} |") == 2
