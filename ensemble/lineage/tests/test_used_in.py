""" "Used in": the first few on the record page, all of them page by page and in the API,
drafts of others never listed nor counted, a fixed number of queries however many."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ensemble.accounts.testing import make_user
from ensemble.lineage import present, services
from ensemble.lineage.models import Source
from ensemble.lineage.testing import bare_record
from ensemble.records import access
from ensemble.records.models import CoCreator

pytestmark = pytest.mark.django_db


def remixes(poem, owner, n, *, prefix="Remix"):
    made = []
    for i in range(n):
        remix = bare_record(owner, title=f"{prefix} {i + 1}")
        services.add_source(remix, poem, by=owner, note=f"take {i + 1}")
        made.append(remix)
    return made


def used_in_section(html: str) -> str:
    return html.split('id="used-in-title"', 1)[1].split("</ul>", 1)[0]


def test_the_record_page_names_the_newest_few_with_the_count_and_a_link_to_all(alice, bob, client):
    poem = bare_record(alice, title="Turnip poem")
    remixes(poem, bob, 12)

    html = client.get(poem.get_absolute_url()).content.decode()
    shown = used_in_section(html)
    assert "(12)" in shown
    assert shown.count('class="lineage-item"') == present.USED_IN_SHOWN
    assert "Remix 12</a>" in shown
    assert "Remix 5</a>" in shown
    assert "Remix 4</a>" not in shown
    assert f'href="/records/{poem.pk}/used-in">All 12 works that use it</a>' in html


def test_a_few_uses_are_all_on_the_record_page_without_a_link(alice, bob, client):
    poem = bare_record(alice, title="Turnip poem")
    remixes(poem, bob, 3)
    html = client.get(poem.get_absolute_url()).content.decode()
    assert used_in_section(html).count('class="lineage-item"') == 3
    assert f"/records/{poem.pk}/used-in" not in html


def test_the_used_in_page_goes_through_every_use_page_by_page(alice, bob, client):
    poem = bare_record(alice, title="Turnip poem")
    remixes(poem, bob, 30)

    first = client.get(f"/records/{poem.pk}/used-in")
    html = first.content.decode()
    assert first.status_code == 200
    assert "30 works use or were inspired by “Turnip poem”" in html
    assert html.count('class="lineage-item"') == 24
    older = re.search(r'href="\?cursor=([^"]+)">Older', html)
    assert older is not None
    html = client.get(f"/records/{poem.pk}/used-in?cursor={older.group(1)}").content.decode()
    assert html.count('class="lineage-item"') == 6
    assert "Remix 1</a>" in html
    assert "Older" not in html
    assert f'href="/records/{poem.pk}/used-in">Newest' in html

    forged = client.get(f"/records/{poem.pk}/used-in?cursor=forged")
    assert forged.status_code == 302
    assert forged["Location"] == f"/records/{poem.pk}/used-in"


def test_the_api_lists_uses_by_cursor_with_their_count(alice, bob, client):
    poem = bare_record(alice, title="Turnip poem")
    remixes(poem, bob, 5)
    path = f"/api/v1/records/{poem.pk}/used-in"

    body = client.get(f"{path}?limit=3").json()
    assert body["count"] == 5
    assert [i["record"]["title"] for i in body["items"]] == ["Remix 5", "Remix 4", "Remix 3"]
    assert body["items"][0]["note"] == "take 5"
    assert body["items"][0]["kind"] == "uses"
    assert body["items"][0]["record"]["owner"] == "bob"
    rest = client.get(f"{path}?limit=3&cursor={body['next_cursor']}").json()
    assert [i["record"]["title"] for i in rest["items"]] == ["Remix 2", "Remix 1"]
    assert rest["next_cursor"] is None

    bad = client.get(f"{path}?cursor=forged")
    assert bad.status_code == 400
    assert bad.json()["code"] == "bad_cursor"
    assert client.get(f"{path}?limit=0").status_code == 422


def test_drafts_are_never_listed_nor_counted_for_those_who_may_not_see_them(
    alice, bob, carol, client
):
    poem = bare_record(alice, title="Turnip poem")
    remixes(poem, bob, 10, prefix="Public")
    secret = bare_record(bob, title="Bob's secret draft", public=False)
    services.add_source(secret, poem, by=bob, note="a draft")
    invited = bare_record(bob, title="Draft with carol", public=False)
    services.add_source(invited, poem, by=bob, note="together")
    CoCreator.objects.create(record=invited, user=carol)
    page, api = f"/records/{poem.pk}/used-in", f"/api/v1/records/{poem.pk}/used-in"

    def seen(who):
        client.logout()
        if who is not None:
            client.force_login(who)
        record_page = client.get(poem.get_absolute_url()).content.decode()
        used_page = client.get(page).content.decode()
        body = client.get(api).json()
        titles = {i["record"]["title"] for i in body["items"]}
        return record_page, used_page, body["count"], titles

    for who in (None, alice):  # anonymous, and the poem's own author
        record_page, used_page, count, titles = seen(who)
        assert count == 10
        assert "(10)" in record_page
        assert "All 10 works" in record_page
        assert "10 works use" in used_page
        for html in (record_page, used_page):
            assert "secret draft" not in html
            assert "Draft with carol" not in html
        assert not titles & {"Bob's secret draft", "Draft with carol"}

    record_page, used_page, count, titles = seen(carol)  # invited to one draft
    assert count == 11
    assert "Draft with carol" in titles
    assert "Bob's secret draft" not in titles
    assert "Draft with carol" in used_page
    assert "secret draft" not in used_page

    _, used_page, count, titles = seen(bob)  # both drafts are his
    assert count == 12
    assert {"Bob's secret draft", "Draft with carol"} <= titles


def test_the_sql_filter_agrees_with_who_may_see_a_record(alice, bob, carol):
    """`present.used_in` filters in SQL what `access.can_view_or_tombstone` decides for
    one record: both must agree for every kind of record and viewer."""
    poem = bare_record(alice, title="Turnip poem")
    now = timezone.now()
    public = bare_record(bob, title="public")
    draft = bare_record(bob, title="draft", public=False)
    invited = bare_record(bob, title="invited draft", public=False)
    accepted = bare_record(bob, title="accepted draft", public=False)
    declined = bare_record(bob, title="declined draft", public=False)
    removed_public = bare_record(bob, title="removed public")
    removed_draft = bare_record(bob, title="removed draft", public=False)
    works = [public, draft, invited, accepted, declined, removed_public, removed_draft]
    for work in works:
        services.add_source(work, poem, by=bob, note="used")
    CoCreator.objects.create(record=invited, user=carol)
    CoCreator.objects.create(
        record=accepted, user=carol, state=CoCreator.State.ACCEPTED, responded_at=now
    )
    CoCreator.objects.create(
        record=declined, user=carol, state=CoCreator.State.DECLINED, responded_at=now
    )
    for work in (removed_public, removed_draft):
        work.deleted_at = now
        work.visibility = "draft"
        work.save()

    for viewer in (None, alice, bob, carol, make_user("dave")):
        expected = {
            w.title
            for w in works
            if access.can_view_or_tombstone(viewer, type(w).objects.get(pk=w.pk))
        }
        listed = {e.derived.title for e in present.used_in(poem, viewer)}
        assert listed == expected, viewer


def test_the_record_page_costs_the_same_queries_for_5_or_50_remixes(alice, bob, client):
    poem = bare_record(alice, title="Turnip poem")
    client.force_login(bob)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(poem.get_absolute_url()).status_code == 200
        return len(captured)

    remixes(poem, bob, 5)
    few = queries()
    remixes(poem, make_user("dave"), 45, prefix="More")
    assert Source.objects.filter(source=poem).count() == 50
    assert queries() == few
