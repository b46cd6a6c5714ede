"""A record's sources: the newest few on its page with how many there are, all of them
page by page and in the API, drafts of others never listed nor counted, and a fixed
number of queries however many sources (or ancestors) there are."""

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
from ensemble.records.models import CoCreator, Record

pytestmark = pytest.mark.django_db


def cite_many(work, owner, n, *, prefix="Part", kind=Source.Kind.USES):
    """`n` works by `owner` that `work` cites, oldest first."""
    made = []
    for i in range(n):
        part = bare_record(owner, title=f"{prefix} {i + 1}")
        services.add_source(work, part, by=work.owner, kind=kind, note=f"piece {i + 1}")
        made.append(part)
    return made


def sources_section(html: str) -> str:
    return html.split('id="sources-title"', 1)[1].split("</section>", 1)[0]


def test_the_record_page_names_the_newest_few_with_the_count_and_a_link_to_all(alice, bob, client):
    film = bare_record(alice, title="Film")
    cite_many(film, bob, 15)

    html = client.get(film.get_absolute_url()).content.decode()
    assert "{#" not in html  # no template comment left as text
    shown = sources_section(html)
    assert "(15)" in shown
    assert shown.count('class="lineage-item"') == present.SOURCES_SHOWN == 12
    assert "Part 15</a>" in shown
    assert "Part 4</a>" in shown
    assert "Part 3</a>" not in shown
    assert f'href="/records/{film.pk}/sources/all">All 15 sources</a>' in shown


def test_a_few_sources_are_all_on_the_record_page_without_a_link(alice, bob, client):
    film = bare_record(alice, title="Film")
    cite_many(film, bob, 3)
    shown = sources_section(client.get(film.get_absolute_url()).content.decode())
    assert shown.count('class="lineage-item"') == 3
    assert "/sources/all" not in shown


def test_the_sources_page_goes_through_every_source_page_by_page(alice, bob, client):
    film = bare_record(alice, title="Film")
    cite_many(film, bob, 30)
    path = f"/records/{film.pk}/sources/all"

    first = client.get(path)
    html = first.content.decode()
    assert first.status_code == 200
    assert "{#" not in html
    assert "“Film” uses or was inspired by 30 works" in html
    assert html.count('class="lineage-item"') == 24
    assert "“Part 30” by Bob Brass, http://testserver/records/" in html  # its attribution
    older = re.search(r'href="\?cursor=([^"]+)">Older', html)
    assert older is not None
    html = client.get(f"{path}?cursor={older.group(1)}").content.decode()
    assert html.count('class="lineage-item"') == 6
    assert "Part 1</a>" in html
    assert "Older" not in html
    assert f'href="{path}">Newest' in html

    forged = client.get(f"{path}?cursor=forged")
    assert forged.status_code == 302
    assert forged["Location"] == path


def test_the_owner_edits_and_removes_citations_from_the_sources_page(alice, bob, alice_client):
    film = bare_record(alice, title="Film")
    first, *_ = cite_many(film, bob, 13)
    path = f"/records/{film.pk}/sources/all"
    page = alice_client.get(f"{path}?cursor=").content.decode()
    assert f'action="/records/{film.pk}/sources/{first.pk}/edit"' in page  # past the 12

    response = alice_client.post(
        f"/records/{film.pk}/sources/{first.pk}/edit", {"note": "the drums", "back": "sources"}
    )
    assert (response.status_code, response["Location"]) == (302, path)
    assert Source.objects.get(source=first).note == "the drums"
    response = alice_client.post(
        f"/records/{film.pk}/sources/{first.pk}/remove", {"back": "sources"}
    )
    assert (response.status_code, response["Location"]) == (302, path)
    assert not Source.objects.filter(source=first).exists()
    # From the record page, back to the record page; an odd `back` changes nothing.
    second = Source.objects.filter(derived=film).first().source
    response = alice_client.post(
        f"/records/{film.pk}/sources/{second.pk}/remove", {"back": "https://elsewhere"}
    )
    assert response["Location"] == f"{film.get_absolute_url()}#sources"


def test_others_get_no_tools_on_the_sources_page(alice, bob, client):
    film = bare_record(alice, title="Film")
    cite_many(film, bob, 2)
    client.force_login(bob)
    assert "/edit" not in client.get(f"/records/{film.pk}/sources/all").content.decode()


def test_the_api_lists_sources_by_cursor_with_their_count(alice, bob, client):
    film = bare_record(alice, title="Film")
    cite_many(film, bob, 5)
    path = f"/api/v1/records/{film.pk}/sources"

    body = client.get(path).json()
    assert (body["count"], body["count_capped_at"], body["next_cursor"]) == (5, 10_000, None)
    assert len(body["items"]) == 5
    body = client.get(f"{path}?limit=3").json()
    assert [i["source"]["title"] for i in body["items"]] == ["Part 5", "Part 4", "Part 3"]
    assert (body["items"][0]["note"], body["items"][0]["kind"]) == ("piece 5", "uses")
    rest = client.get(f"{path}?limit=3&cursor={body['next_cursor']}").json()
    assert [i["source"]["title"] for i in rest["items"]] == ["Part 2", "Part 1"]
    assert rest["next_cursor"] is None

    bad = client.get(f"{path}?cursor=forged")
    assert (bad.status_code, bad.json()["code"]) == (400, "bad_cursor")
    assert client.get(f"{path}?limit=0").status_code == 422
    assert client.get(f"{path}?limit=101").status_code == 422


def test_drafts_are_never_listed_nor_counted_for_those_who_may_not_see_them(
    alice, bob, carol, client
):
    film = bare_record(alice, title="Film")
    cite_many(film, bob, 12, prefix="Public")
    secret = bare_record(alice, title="Alice's secret sketch", public=False)
    services.add_source(film, secret, by=alice, note="a draft")
    invited = bare_record(alice, title="Sketch with carol", public=False)
    services.add_source(film, invited, by=alice, note="together")
    CoCreator.objects.create(record=invited, user=carol)
    page, api = f"/records/{film.pk}/sources/all", f"/api/v1/records/{film.pk}/sources"

    def seen(who):
        client.logout()
        if who is not None:
            client.force_login(who)
        record_page = sources_section(client.get(film.get_absolute_url()).content.decode())
        all_page = client.get(page).content.decode()
        body = client.get(api).json()
        titles = {i["source"]["title"] for i in body["items"]}
        return record_page, all_page, body["count"], titles

    for who in (None, bob):  # anonymous, and the author of the public sources
        record_page, all_page, count, titles = seen(who)
        assert count == 12
        assert "(12)" in record_page
        assert "/sources/all" not in record_page  # all 12 fit: nothing more to see
        assert "12 works" in all_page
        for html in (record_page, all_page):
            assert "secret sketch" not in html
            assert "Sketch with carol" not in html
        assert not titles & {"Alice's secret sketch", "Sketch with carol"}

    record_page, all_page, count, titles = seen(carol)  # invited to one draft
    assert (count, "(13)" in record_page, "All 13 sources" in record_page) == (13, True, True)
    assert "Sketch with carol" in titles
    assert "Alice's secret sketch" not in titles
    assert "secret sketch" not in all_page

    _, _, count, titles = seen(alice)  # both drafts are hers
    assert count == 14
    assert {"Alice's secret sketch", "Sketch with carol"} <= titles


def test_the_sql_filters_agree_with_who_may_see_a_record(alice, bob, carol):
    """`present.sources` and `present.visible_records` filter in SQL what
    `access.can_view_or_tombstone` decides for one record: both must agree for every kind
    of record and viewer."""
    film = bare_record(alice, title="Film")
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
        Source.objects.create(
            derived=film,
            source=work,
            source_owner=work.owner,
            note="used",
            source_licence="accord",
        )
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
            if access.can_view_or_tombstone(viewer, Record.objects.get(pk=w.pk))
        }
        assert {e.source.title for e in present.sources(film, viewer)} == expected, viewer
        shown = present.visible_records([w.pk for w in works], viewer)
        assert {r.title for r in shown.values()} == expected, viewer


def test_the_record_page_costs_the_same_queries_for_3_or_30_sources(alice, bob, carol, client):
    """However many sources and ancestors: the sources, their count, the credit line's
    roots (cached with the credit rolls after the first view)."""
    film = bare_record(alice, title="Film")
    client.force_login(carol)

    def queries() -> int:
        client.get(film.get_absolute_url())  # fills the roots' cache after a citation
        with CaptureQueriesContext(connection) as captured:
            assert client.get(film.get_absolute_url()).status_code == 200
        return len(captured)

    parts = cite_many(film, bob, 3)
    cite_many(parts[0], carol, 2, prefix="Root")
    few = queries()
    more = cite_many(film, make_user("dave"), 27, prefix="More")
    for part in more[:10]:
        cite_many(part, bob, 3, prefix=f"Root of {part.pk}")
    assert Source.objects.filter(derived=film).count() == 30
    assert queries() == few


def test_the_sources_page_and_api_cost_the_same_queries_for_3_or_30_sources(
    alice, bob, carol, client
):
    film = bare_record(alice, title="Film")
    client.force_login(carol)

    def queries() -> tuple[int, int]:
        counted = []
        for path in (f"/records/{film.pk}/sources/all", f"/api/v1/records/{film.pk}/sources"):
            with CaptureQueriesContext(connection) as captured:
                assert client.get(path).status_code == 200
            counted.append(len(captured))
        return counted[0], counted[1]

    cite_many(film, bob, 3)
    few = queries()
    cite_many(film, make_user("dave"), 27, prefix="More")
    assert queries() == few
