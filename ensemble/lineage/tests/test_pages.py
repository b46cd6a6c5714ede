"""Lineage on the pages: the credit line, sources and "used in", citing, credits."""

from __future__ import annotations

import pytest

from ensemble.lineage import services
from ensemble.lineage.models import Source
from ensemble.lineage.testing import bare_record

pytestmark = pytest.mark.django_db


def cite(derived, source, **kw):
    kw.setdefault("note", "used")
    return services.add_source(derived, source, by=derived.owner, **kw)


def test_the_record_page_shows_the_credit_line_sources_and_uses(alice, bob, carol, client):
    poem = bare_record(carol, title="Turnip poem")
    reading = bare_record(bob, title="The reading")
    film = bare_record(alice, title="The film")
    cite(reading, poem, note="the words")
    cite(film, reading, note="the voice", part="narration")

    html = client.get(film.get_absolute_url()).content.decode()
    assert "remix of" in html
    assert "The reading</a> by Bob Brass" in html
    assert "originally" in html
    assert "Turnip poem</a> by carol" in html
    assert "the voice" in html
    assert "narration" in html
    html = client.get(reading.get_absolute_url()).content.decode()
    assert "Used in" in html
    assert "The film" in html


def test_someone_elses_draft_never_shows_on_a_public_page(alice, bob, client):
    draft = bare_record(alice, title="Hidden sketch", public=False)
    public = bare_record(alice, title="Public")
    cite(public, draft)
    client.force_login(bob)
    assert "Hidden sketch" not in client.get(public.get_absolute_url()).content.decode()
    assert "Hidden sketch" not in client.get(f"/records/{public.pk}/credits").content.decode()


def test_citing_from_the_page_by_number_address_or_pick(alice, bob, alice_client):
    mine = bare_record(alice, title="Mine")
    one, two, three = (bare_record(bob, title=t) for t in ("One", "Two", "Three"))
    alice_client.post(
        f"/records/{mine.pk}/sources", {"source": str(one.pk), "kind": "uses", "note": "a"}
    )
    address = f"http://testserver/records/{two.pk}"
    alice_client.post(
        f"/records/{mine.pk}/sources", {"source": address, "kind": "uses", "note": "b"}
    )
    alice_client.post(
        f"/records/{mine.pk}/sources", {"source_pick": three.pk, "kind": "inspired_by", "note": "c"}
    )
    assert set(Source.objects.values_list("source__title", "kind")) == {
        ("One", "uses"),
        ("Two", "uses"),
        ("Three", "inspired_by"),
    }


def test_a_refused_citation_shows_the_reason(alice, alice_client):
    a = bare_record(alice, title="A")
    b = bare_record(alice, title="B")
    cite(b, a)
    response = alice_client.post(
        f"/records/{a.pk}/sources", {"source": str(b.pk), "kind": "uses", "note": "x"}, follow=True
    )
    assert "That would make a loop" in response.content.decode()
    assert Source.objects.count() == 1


def test_others_cannot_cite_for_the_owner(alice, bob, carol, client):
    mine = bare_record(alice)
    client.force_login(carol)
    response = client.post(
        f"/records/{mine.pk}/sources",
        {"source": str(bare_record(bob).pk), "kind": "uses", "note": "x"},
    )
    assert response.status_code == 404
    assert not Source.objects.exists()


def test_the_picker_finds_public_records_and_your_drafts_only(alice, bob, alice_client):
    bare_record(bob, title="Turnip public")
    bare_record(bob, title="Turnip secret", public=False)
    bare_record(alice, title="Turnip mine", public=False)
    html = alice_client.get("/lineage/search?q=turnip").content.decode()
    assert "Turnip public" in html
    assert "Turnip mine" in html
    assert "Turnip secret" not in html


def test_the_credits_page_lists_people_and_attributions(alice, bob, client):
    song = bare_record(bob, title="Song", licence="cc-by-4.0")
    film = bare_record(alice, title="Film", kind="video")
    cite(film, song)
    html = client.get(f"/records/{film.pk}/credits").content.decode()
    assert "Built directly on" in html
    assert "Bob Brass" in html
    assert "“Song” by Bob Brass, http://testserver/records/" in html
    assert "CC BY 4.0" in html


def test_the_remix_tree_draws_sources_above_and_uses_below(alice, bob, carol, client):
    poem = bare_record(carol, title="Poem")
    film = bare_record(alice, title="Film")
    remix = bare_record(bob, title="Film remix")
    cite(film, poem)
    cite(remix, film, kind="inspired_by")
    html = client.get(f"/records/{film.pk}/tree").content.decode()
    assert "<svg" in html
    assert 'role="group"' in html  # a picture holding links, not an opaque image
    assert "Poem" in html
    assert "Film remix" in html
    assert html.count("tree__edge--uses") == 1
    assert html.count("tree__edge--inspired_by") == 1
    # Sources are drawn above the record, works using it below.
    y = {
        t: int(html.split(f"<title>{t} by")[1].split('y="')[1].split('"')[0])
        for t in ("Poem", "Film", "Film remix")
    }
    assert y["Poem"] < y["Film"] < y["Film remix"]


def test_a_huge_fan_in_collapses_into_a_more_box(alice, bob, client):
    film = bare_record(alice, title="Film")
    for n in range(30):
        cite(film, bare_record(bob, title=f"Part {n}"))
    html = client.get(f"/records/{film.pk}/tree?up=1&down=1").content.decode()
    assert "+19 more" in html
    assert html.count('class="tree__node') == 12  # 11 sources and the film


def test_the_tree_and_its_api_cost_the_same_queries_for_5_or_50_sources(alice, bob, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    film = bare_record(alice, title="Film")

    def queries(path) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        return len(captured)

    def both() -> tuple[int, int]:
        return queries(f"/records/{film.pk}/tree"), queries(f"/api/v1/records/{film.pk}/lineage")

    for n in range(5):
        cite(film, bare_record(bob, title=f"Part {n}"))
    few = both()
    for n in range(45):
        part = bare_record(bob, title=f"More {n}")
        cite(film, part)
        cite(bare_record(bob, title=f"Use of {n}"), part)
    assert both() == few


def test_the_tree_never_shows_drafts_of_others(alice, bob, client):
    film = bare_record(alice, title="Film")
    cite(film, bare_record(alice, title="Secret sketch", public=False))
    client.force_login(bob)
    assert "Secret sketch" not in client.get(f"/records/{film.pk}/tree").content.decode()


def test_remix_this_starts_an_upload_with_the_source_and_a_licence_it_allows(
    alice, bob, alice_client
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ensemble.core.testing import image_bytes
    from ensemble.records.models import Record

    song = bare_record(bob, title="Song", licence="cc-by-sa-4.0")
    page = alice_client.get(song.get_absolute_url()).content.decode()
    assert f"/records/new?remix_of={song.pk}" in page

    form = alice_client.get(f"/records/new?remix_of={song.pk}").content.decode()
    assert "Remixing “Song” by Bob Brass" in form
    assert '<option value="cc-by-sa-4.0" selected>' in form

    response = alice_client.post(
        "/records/new",
        {
            "file": SimpleUploadedFile("cover.png", image_bytes()),
            "title": "Cover art",
            "licence": "cc-by-sa-4.0",
            "remix_of": song.pk,
            "source_pick": song.pk,
            "source_kind": "uses",
            "source_note": "the melody as a picture",
        },
    )
    assert response.status_code == 302
    edge = Source.objects.get()
    assert edge.derived == Record.objects.get(title="Cover art")
    assert (edge.source, edge.note) == (song, "the melody as a picture")


def test_a_work_that_forbids_derivatives_can_only_inspire(alice, bob, alice_client):
    closed = bare_record(bob, title="Closed", licence="cc-by-nd-4.0")
    form = alice_client.get(f"/records/write?remix_of={closed.pk}").content.decode()
    assert "may not be used in other works" in form
    assert 'value="uses" disabled' in form


def test_a_refused_source_after_an_upload_keeps_the_draft_and_says_why(alice, bob, alice_client):
    closed = bare_record(bob, title="Closed", licence="all-rights-reserved")
    response = alice_client.post(
        "/records/write",
        {
            "title": "Mine",
            "body": "words",
            "licence": "accord",
            "source": str(closed.pk),
            "source_kind": "uses",
            "source_note": "all of it",
        },
        follow=True,
    )
    html = response.content.decode()
    assert "The record was saved, but its source was not" in html
    assert "“Closed” by Bob Brass is All rights reserved" in html
    assert not Source.objects.exists()


def test_the_owner_edits_a_citation_from_the_page(alice, bob, alice_client, client):
    song = bare_record(bob, title="Song")
    work = bare_record(alice)
    cite(work, song, note="the tune")
    path = f"/records/{work.pk}/sources/{song.pk}/edit"
    response = alice_client.post(
        path,
        {
            "note": "the tune, slowed down",
            "part": "intro",
            "start_seconds": "0",
            "end_seconds": "12.5",
        },
    )
    assert response.status_code == 302
    edge = Source.objects.get()
    assert (edge.note, edge.part, edge.end_seconds) == ("the tune, slowed down", "intro", 12.5)
    client.force_login(bob)
    assert client.post(path, {"note": "hijacked"}).status_code == 404
    assert Source.objects.get().note == "the tune, slowed down"
