"""The home feed: what shows, in what order, once, privately, page after page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ensemble.accounts.testing import make_user
from ensemble.community.services import feed, follows
from ensemble.core.testing import query_plan
from ensemble.lineage import services as lineage
from ensemble.lineage.testing import bare_record
from ensemble.projects import productions
from ensemble.projects import services as projects
from ensemble.projects.testing import make_call, make_project
from ensemble.records import services as records
from ensemble.records.models import Record

pytestmark = pytest.mark.django_db


def test_followed_people_projects_and_remixes_of_yours_newest_first(alice, bob, carol):
    follows.follow_person(alice, bob)
    project = make_project(carol, title="Turnip film")
    follows.follow_project(alice, project)
    old = bare_record(bob, kind="image", title="Old drawing")
    Record.objects.filter(pk=old.pk).update(published_at=timezone.now() - dt.timedelta(days=3))
    mine = bare_record(alice, kind="text", title="My poem")
    remix = bare_record(carol, kind="audio", title="Poem, sung")
    lineage.add_source(remix, mine, by=carol, note="Sang it.")
    projects.post_update(project, by=carol, body="Casting now.")
    make_call(project, title="Draw the man")
    bare_record(carol, kind="image", title="Not followed")
    bare_record(bob, kind="image", title="A draft", public=False)
    items, cursor = feed.page(alice)
    kinds = [i.kind for i in items]
    assert set(kinds) == {"record", "remix", "update", "call"}
    assert kinds[-1] == "record"  # the old drawing is the oldest
    shown = {getattr(i.obj, "title", "") for i in items}
    assert "Not followed" not in shown
    assert "A draft" not in shown
    assert cursor is None


def test_a_remix_of_yours_by_someone_you_follow_appears_once(alice, bob):
    follows.follow_person(alice, bob)
    mine = bare_record(alice, kind="text", title="Mine")
    theirs = bare_record(bob, kind="audio", title="Theirs")
    lineage.add_source(theirs, mine, by=bob, note="Used it.")
    items, _ = feed.page(alice)
    assert [i.kind for i in items] == ["remix"]


def test_remixes_of_your_work_by_others_show_if_public_and_not_removed(alice, bob, carol):
    mine = bare_record(alice, kind="text", title="Mine")
    theirs = bare_record(bob, kind="text", title="Bob's")
    made = {}
    for title, owner, public in [
        ("Sung", carol, True),
        ("My own remix", alice, True),
        ("A draft remix", bob, False),
        ("Removed remix", carol, True),
    ]:
        made[title] = bare_record(owner, kind="audio", title=title, public=public)
        lineage.add_source(made[title], mine, by=owner, note="Used it.")
    records.delete_record(made["Removed remix"], by=carol)
    lineage.add_source(bare_record(carol, title="Not of mine"), theirs, by=carol, note="n")
    items, _ = feed.page(alice)
    assert [(i.kind, i.obj.derived.title) for i in items] == [("remix", "Sung")]
    items, _ = feed.page(bob)  # each member hears of remixes of their own work only
    assert [(i.kind, i.obj.derived.title) for i in items] == [("remix", "Not of mine")]


def test_remixes_of_your_work_are_read_newest_first_from_the_index_without_a_sort(alice, bob):
    """However many edges lead into a member's work, a page is a walk of the index of
    (source's owner, time, id) that stops after it; a sort would gather every edge."""
    mine = bare_record(alice, kind="text", title="Mine")
    for n in range(3):
        lineage.add_source(bare_record(bob, title=f"Remix {n}"), mine, by=bob, note="n")
    qs, field = feed.queries(alice)["remix"]
    last = (timezone.now(), feed.KINDS.index("remix"), 10**9)
    for cursor in (None, last):
        plan = query_plan(feed.newest_ids(qs, field, "remix", cursor, feed.PAGE))
        assert "lineage_source_owner_new" in plan
        assert "TEMP B-TREE" not in plan  # SQLite's sort
        assert "Sort" not in plan  # PostgreSQL's


def test_pages_follow_each_other_without_repeats_or_gaps(alice):
    people = [make_user(f"maker{n}") for n in range(3)]
    for person in people:
        follows.follow_person(alice, person)
    same_moment = timezone.now()
    made = []
    for n in range(25):
        record = bare_record(people[n % 3], kind="image", title=f"Work {n}")
        if n < 6:  # ties in time are broken by kind and id
            Record.objects.filter(pk=record.pk).update(published_at=same_moment)
        made.append(record.pk)
    seen, cursor = [], None
    while True:
        items, cursor = feed.page(alice, cursor, size=7)
        seen.extend(i.obj.pk for i in items)
        if cursor is None:
            break
    assert sorted(seen) == sorted(made)
    assert len(seen) == len(set(seen))


def test_followers_of_a_project_are_told_of_a_new_call(alice, bob, carol):
    project = make_project(bob, title="Turnip film")
    follows.follow_project(alice, project)
    make_call(project, title="Compose the score")
    told = alice.notifications.get(kind="new_call")
    assert told.text == "New call in “Turnip film”: Compose the score."
    assert not carol.notifications.filter(kind="new_call").exists()


def test_a_draft_project_and_its_news_stay_out(alice, bob):
    project = make_project(bob, title="Secret")
    follows.follow_project(alice, project)
    projects.set_status(project, by=bob, status="draft")
    projects.post_update(project, by=bob, body="Hidden news")
    assert feed.page(alice)[0] == []


def test_the_feed_costs_the_same_queries_for_1_or_50_people_followed(alice):
    counts = []
    for n in (1, 50):
        for i in range(n):
            person = make_user(f"p{n}x{i}")
            follows.follow_person(alice, person)
            bare_record(person, kind="image")
        with CaptureQueriesContext(connection) as queries:
            feed.page(alice)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_page_and_the_api_show_every_kind_in_the_same_queries_for_1_or_4_of_each(
    alice, bob, carol, client
):
    """Each kind's rows are loaded with only the columns shown: a column left out would
    cost a query per item here."""
    follows.follow_person(alice, bob)
    project = make_project(carol, title="Turnip film")
    follows.follow_project(alice, project)
    mine = bare_record(alice, kind="text", title="My poem")
    client.force_login(alice)

    def add_one_of_each(n: int) -> None:
        bare_record(bob, kind="image", title=f"Drawing {n}")
        remix = bare_record(carol, kind="audio", title=f"Poem, sung {n}")
        lineage.add_source(remix, mine, by=carol, note="Sang it.")
        projects.post_update(project, by=carol, body=f"News {n}")
        make_call(project, title=f"Call {n}")
        film = bare_record(carol, kind="video", title=f"Film {n}")
        production, _ = productions.make_production(project, by=carol, record=film)
        productions.release(production, by=carol)

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as page:
            assert client.get("/feed").status_code == 200
        with CaptureQueriesContext(connection) as api:
            body = client.get("/api/v1/feed").json()
        assert {i["kind"] for i in body["items"]} == {
            "record",
            "remix",
            "update",
            "call",
            "release",
        }
        return len(page), len(api)

    add_one_of_each(0)
    few = queries()
    for n in range(1, 4):
        add_one_of_each(n)
    assert queries() == few
    html = client.get("/feed").content.decode()
    for shown in ("Drawing 3", "built on your “My poem”", "News 3", "Call 3", "Film 3"):
        assert shown in html
    titles = [i["title"] for i in client.get("/api/v1/feed").json()["items"]]
    assert "Released: Film 3" in titles
    assert "Poem, sung 3 (remixes My poem)" in titles


def test_the_feed_page_and_api_with_a_bad_cursor(alice, bob, client):
    follows.follow_person(alice, bob)
    bare_record(bob, kind="image", title="Fresh")
    client.force_login(alice)
    assert "Fresh" in client.get("/feed").content.decode()
    body = client.get("/api/v1/feed").json()
    assert body["items"][0]["title"] == "Fresh"
    assert client.get("/api/v1/feed?cursor=forged").status_code == 400
    assert client.get("/feed?cursor=forged").status_code == 302
    assert Client().get("/api/v1/feed").status_code == 401


on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL's own walk of each followed person (LATERAL): runs on PostgreSQL "
    "(as in CI); SQLite reads the same through the generic query",
)


@on_postgresql
def test_each_followed_persons_walk_gives_what_the_generic_query_gives(alice, bob, carol):
    """`followed_newest_ids` is the "record" kind's query written again in SQL: the same
    ids, page after page, from every kind of cursor, with everything it must leave out."""
    dave = make_user("dave")
    for person in (bob, carol):
        follows.follow_person(alice, person)
    mine = bare_record(alice, title="Mine")
    same_moment = timezone.now()
    for n in range(30):
        record = bare_record((bob, carol)[n % 2], title=f"Work {n}")
        if n % 5 == 0:  # ties in time, broken by id
            Record.objects.filter(pk=record.pk).update(published_at=same_moment)
        if n % 7 == 0:  # a remix of alice's work: shown as a remix, not here
            lineage.add_source(record, mine, by=record.owner, note="n")
    bare_record(bob, title="A draft", public=False)
    gone = bare_record(carol, title="Removed")
    Record.objects.filter(pk=gone.pk).update(deleted_at=timezone.now())
    bare_record(dave, title="Not followed")
    qs, field = feed.queries(alice)["record"]
    generic = list(feed.newest_ids(qs, field, "record", None, 100))
    assert len(generic) == 30 - 5  # without the five remixes of hers, 0, 7, 14, 21, 28
    assert feed.followed_newest_ids(alice, None, 100) == generic
    for size in (1, 4, 7):
        assert feed.followed_newest_ids(alice, None, size) == generic[: size + 1]
    at = Record.objects.get(pk=generic[3]).published_at
    for kind in feed.KINDS:  # a cursor left by each kind of item at that time
        last = (at, feed.KINDS.index(kind), generic[3])
        assert feed.followed_newest_ids(alice, last, 7) == list(
            feed.newest_ids(qs, field, "record", last, 7)
        )


@on_postgresql
def test_each_followed_persons_newest_are_walked_from_the_index(alice, bob):
    follows.follow_person(alice, bob)
    bare_record(bob)
    with connection.cursor() as cursor:
        sql = feed._FOLLOWED_NEWEST.format(after="")
        cursor.execute("EXPLAIN " + sql, {"reader": alice.pk, "size": feed.PAGE + 1})
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # On a tiny table the planner may read it whole; it must still be per person.
    assert "owner_id = f.person_id" in plan, plan
