"""The credits page, a page of people at a time, and the credits API's JSON and JSON-LD,
kept with the roll: what everyone sees is made once per change, what a member sees of
their own drafts is theirs alone."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ensemble.accounts.testing import make_user
from ensemble.lineage import credit_pages, services
from ensemble.lineage.api.credits import CreditsOut
from ensemble.lineage.testing import bare_record
from ensemble.records import services as records

pytestmark = pytest.mark.django_db


def cite(derived, source, **kw):
    kw.setdefault("note", "used")
    return services.add_source(derived, source, by=derived.owner, **kw)


def film_with_sources(owner, n, *, makers="maker"):
    """A film citing `n` works, each by a member of its own."""
    film = bare_record(owner, title="Film", kind="video")
    for i in range(n):
        cite(film, bare_record(make_user(f"{makers}{i:02}"), title=f"Part {i:02}"))
    return film


def roll_of(html: str) -> str:
    """The people on a credits page, without the attributions after them."""
    return html.split('id="credits-title"', 1)[1].split('id="attrib-title"', 1)[0]


def test_the_credits_page_shows_a_page_of_people_at_a_time(alice, client):
    film = film_with_sources(alice, 45)  # 46 people with alice
    path = f"/records/{film.pk}/credits"

    first = client.get(path).content.decode()
    assert "46 people across 46 records" in first
    assert "Page 1 of 2" in first
    assert roll_of(first).count("<li>") == credit_pages.PEOPLE_PER_PAGE
    assert 'rel="next" href="?page=2"' in first
    assert first.count('class="attribution"') == 12  # the newest sources'
    assert f'href="/records/{film.pk}/sources/all">All 45 sources' in first

    second = client.get(f"{path}?page=2").content.decode()
    assert "Page 2 of 2" in second
    assert 'rel="prev" href="?page=1"' in second
    assert 'rel="next"' not in second
    assert 'class="attribution"' not in second
    people_on_both = {f"@maker{i:02}" for i in range(45)} | {"@alice"}
    assert {p for p in people_on_both if p in first or p in second} == people_on_both

    for odd in ("abc", "0", "-1", "²"):
        response = client.get(f"{path}?page={odd}")
        assert (response.status_code, response["Location"]) == (302, path)
    for past in ("9", "99999999999"):
        response = client.get(f"{path}?page={past}")
        assert (response.status_code, response["Location"]) == (302, f"{path}?page=2")


def test_a_person_credited_for_many_records_has_the_rest_counted(alice, bob, client):
    film = bare_record(alice, title="Film")
    for n in range(9):
        cite(film, bare_record(bob, title=f"Take {n}"))
    html = client.get(f"/records/{film.pk}/credits").content.decode()
    assert roll_of(html).count("Take ") == credit_pages.RECORDS_PER_PERSON
    assert "and 3 more records" in html
    body = client.get(f"/api/v1/records/{film.pk}/credits").json()
    assert len(body["sections"][1]["roles"][0]["people"][0]["records"]) == 9  # all in JSON


def test_the_credits_page_costs_the_same_queries_for_5_or_50_sources(alice, carol, client):
    client.force_login(carol)

    def queries(film) -> int:
        client.get(f"/records/{film.pk}/credits")  # the first view makes the roll
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/records/{film.pk}/credits").status_code == 200
        return len(captured)

    few = queries(film_with_sources(alice, 5, makers="few"))
    assert queries(film_with_sources(alice, 50, makers="many")) == few


def test_a_draft_in_the_lineage_shows_only_to_those_who_may_see_it(alice, bob, carol, client):
    film = bare_record(alice, title="Film", kind="video")
    sketch = bare_record(alice, title="Secret sketch", public=False)
    cite(film, sketch)
    cite(film, bare_record(bob, title="Song"))
    page, api_path = f"/records/{film.pk}/credits", f"/api/v1/records/{film.pk}/credits"

    for who, sees in ((alice, True), (carol, False), (None, False), (alice, True)):
        client.logout()
        if who is not None:
            client.force_login(who)
        assert ("Secret sketch" in client.get(page).content.decode()) is sees, who
        assert ("Secret sketch" in client.get(api_path).content.decode()) is sees, who
        ld = client.get(f"{api_path}?format=jsonld").json()
        assert ("Secret sketch" in {s["name"] for s in ld["isBasedOn"]}) is sees, who


def test_the_json_is_what_the_schema_says(alice, bob, client):
    song = bare_record(bob, title="Song", kind="audio")
    film = bare_record(alice, title="Film", kind="video")
    cite(film, song)
    cite(song, bare_record(make_user("wren"), title="Poem"))
    records.delete_record(song, by=bob)

    body = client.get(f"/api/v1/records/{film.pk}/credits").json()
    assert CreditsOut.model_validate(body).model_dump(mode="json") == body
    assert [s["key"] for s in body["sections"]] == ["work", "direct", "indirect"]
    assert body["sections"][1]["roles"][0]["people"][0]["records"] == [
        {"id": song.pk, "title": "Song", "removed": True, "hidden": False}
    ]


def test_the_credits_json_is_made_once_per_change(alice, bob, client):
    song = bare_record(bob, title="Song", kind="audio")
    film = bare_record(alice, title="Film", kind="video")
    cite(film, song)
    path = f"/api/v1/records/{film.pk}/credits"
    for url in (path, f"{path}?format=jsonld"):
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        assert len(captured) == 2, url  # the record and the generation

    records.update_record(song, by=bob, title="Song (final)")
    assert "Song (final)" in client.get(path).content.decode()
    services.update_source(film.source_edges.get(), by=alice, note="the bass line")
    based = client.get(f"{path}?format=jsonld").json()["isBasedOn"]
    assert [(s["name"], s["description"]) for s in based] == [("Song (final)", "the bass line")]


def test_a_removed_draft_is_in_its_owners_json_ld_only(alice, bob, client):
    film = bare_record(alice, title="Film", kind="video")
    sketch = bare_record(alice, title="Sketch", public=False)
    cite(film, sketch)
    cite(film, bare_record(bob, title="Song"))
    records.delete_record(sketch, by=alice)
    path = f"/api/v1/records/{film.pk}/credits?format=jsonld"

    assert {s["name"] for s in client.get(path).json()["isBasedOn"]} == {"Song"}
    client.force_login(alice)
    assert {s["name"] for s in client.get(path).json()["isBasedOn"]} == {"Song", "Sketch"}
    client.force_login(bob)
    assert {s["name"] for s in client.get(path).json()["isBasedOn"]} == {"Song"}
