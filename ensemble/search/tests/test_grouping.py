"""Near-identical results as one: titles that differ by a take number, by one owner or
entered in one call, come as one result with "N more like this", on the page and the
API; the link lists them; a sealed call groups nothing; and the page's query count does
not grow with its results."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ensemble.accounts import indexing as people
from ensemble.accounts.testing import make_user
from ensemble.lineage.testing import bare_record
from ensemble.projects.services import entries
from ensemble.projects.testing import make_call, make_project
from ensemble.records import indexing
from ensemble.search.grouping import group_title

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("title", "group"),
    [
        ("Mr Pell, take 1", "mr pell"),
        ("Mr Pell, take 12", "mr pell"),
        ("Mr Pell", "mr pell"),
        ("Prop for the walk, no. 4", "prop for the walk"),
        ("Song v2", "song"),
        ("Song (v3)", "song"),
        ("Track #3", "track"),
        ("Sketch 3, take 2", "sketch"),
        ("Minuet for a turnip: piano", "minuet for a turnip piano"),
        ("mp3", "mp3"),
        ("1984", "1984"),
        ("", ""),
    ],
)
def test_a_group_title_drops_the_take_number(title, group):
    assert group_title(title) == group


def drawing(owner, title, **fields):
    record = bare_record(owner, kind="image", title=title, **fields)
    indexing.reindex(record)
    return record


def api(query):
    return Client().get("/api/v1/search", {"q": query}).json()


def test_takes_by_one_owner_are_one_result_and_the_link_lists_them(alice, bob, client):
    takes = [drawing(alice, f"Mr Pell, take {n}") for n in range(1, 6)]
    other = drawing(bob, "Mr Pell, take 9")  # another owner, no call: its own result
    found = api("pell")
    assert [(r["id"], r["group_size"]) for r in found] == [(other.pk, 1), (takes[-1].pk, 5)]
    assert found[0]["more_url"] is None
    assert found[1]["more_url"] == f"/api/v1/search?q=pell&like={takes[-1].pk}"
    everyone = Client().get(found[1]["more_url"]).json()
    assert {r["id"] for r in everyone} == {t.pk for t in takes}
    assert all(r["group_size"] == 1 for r in everyone)

    page = client.get("/search?q=pell").content.decode()
    assert "4 more like this" in page
    link = re.search(r'href="\?q=pell&amp;like=(\d+)"', page)
    assert link is not None
    assert int(link.group(1)) == takes[-1].pk
    listed = client.get(f"/search?q=pell&like={takes[-1].pk}").content.decode()
    assert listed.count('<li class="card">') == 5
    assert "Results like “Mr Pell, take 5”" in listed
    assert 'href="?q=pell"' in listed  # back to all results


def test_entries_to_one_call_group_across_their_owners(alice, bob):
    project = make_project(alice)
    call = make_call(project, accepted_kinds=["image"])
    crowd = [make_user() for _ in range(3)]
    for n, member in enumerate(crowd):
        entries.submit_entry(call, by=member, record=drawing(member, f"Mr Pell, take {n}"))
    loner = drawing(bob, "Mr Pell, take 7")
    found = api("pell")
    assert sorted(r["group_size"] for r in found) == [1, 3]
    assert loner.pk in {r["id"] for r in found}


def test_a_sealed_call_does_not_show_through_the_grouping_which_records_it_holds(alice):
    project = make_project(alice)
    sealed = make_call(project, sealed=True)
    crowd = [make_user() for _ in range(3)]
    for member in crowd:
        entries.submit_entry(sealed, by=member, record=drawing(member, "Mr Pell, take 1"))
    assert [r["group_size"] for r in api("pell")] == [1, 1, 1]


def test_the_results_page_asks_the_same_number_of_queries_for_one_result_or_a_full_page(
    alice, bob, client
):
    def everything(n):
        project = make_project(alice, title=f"Lantern parade {n}")
        make_call(project, title=f"Lantern poster {n}", brief="Paper lanterns.")
        member = make_user(display_name=f"Lantern maker {n}")
        people.reindex(member)
        return project

    everything(0)
    drawing(bob, "A lantern, take 1")
    drawing(alice, "Lantern at dusk")

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            page = client.get("/search?q=lantern").content.decode()
        return len(ctx.captured_queries), page.count('<li class="card">')

    # One of each kind: the match, then a query per kind (records with their pictures)
    few, shown = queries()
    assert shown == 5
    for n in range(1, 30):
        drawing(alice, f"Lantern study {n}")  # one group
        drawing(make_user(), f"Lantern {n} by night")  # others' works: each its own
        everything(n)
    many, shown = queries()
    assert shown == 20
    assert many <= few
