"""The lineage API: citing, the lineage graph, credits (JSON and JSON-LD), licences."""

from __future__ import annotations

import pytest
from django.utils import timezone

from ensemble.accounts.tests.api_helpers import assert_error, post_json
from ensemble.lineage import services
from ensemble.lineage.testing import bare_record
from ensemble.records.models import Record

pytestmark = pytest.mark.django_db


def cite(derived, source, **kw):
    kw.setdefault("note", "used")
    return services.add_source(derived, source, by=derived.owner, **kw)


def test_citing_a_source_through_the_api(alice, bob, alice_client):
    song = bare_record(bob, title="Song", licence="cc-by-4.0")
    remix = bare_record(alice, title="Remix")
    response = post_json(
        alice_client,
        f"/api/v1/records/{remix.pk}/sources",
        {
            "source_id": song.pk,
            "note": "the chorus",
            "part": "vocals",
            "start_seconds": 30,
            "end_seconds": 45,
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["source"]["title"] == "Song"
    assert (body["kind"], body["part"], body["source_licence"]) == ("uses", "vocals", "cc-by-4.0")
    listed = alice_client.get(f"/api/v1/records/{remix.pk}/sources").json()
    assert [s["source"]["id"] for s in listed["items"]] == [song.pk]
    assert (listed["count"], listed["next_cursor"]) == (1, None)


def test_a_cycle_through_the_api_is_a_409_naming_the_path(alice, alice_client):
    a, b = bare_record(alice, title="A"), bare_record(alice, title="B")
    cite(b, a)
    response = post_json(
        alice_client, f"/api/v1/records/{a.pk}/sources", {"source_id": b.pk, "note": "x"}
    )
    body = assert_error(response, 409, "cycle")
    assert "“B” → “A”" in body["detail"]


def test_a_licence_conflict_names_the_ancestor(alice, bob, alice_client):
    closed = bare_record(bob, title="Closed", licence="cc-by-nd-4.0")
    mine = bare_record(alice)
    response = post_json(
        alice_client, f"/api/v1/records/{mine.pk}/sources", {"source_id": closed.pk, "note": "x"}
    )
    body = assert_error(response, 409, "licence_conflict")
    assert "“Closed” by Bob Brass is CC BY-ND 4.0" in body["detail"]


def test_citing_needs_an_account_and_ownership(alice, bob, carol, client):
    mine = bare_record(alice)
    path = f"/api/v1/records/{mine.pk}/sources"
    assert_error(
        post_json(client, path, {"source_id": bare_record(bob).pk, "note": "x"}),
        401,
        "not_authenticated",
    )
    client.force_login(carol)
    assert_error(
        post_json(client, path, {"source_id": bare_record(bob).pk, "note": "x"}), 403, "forbidden"
    )


def test_someone_elses_draft_is_not_found(alice, bob, alice_client):
    draft = bare_record(bob, public=False)
    response = post_json(
        alice_client,
        f"/api/v1/records/{bare_record(alice).pk}/sources",
        {"source_id": draft.pk, "note": "x"},
    )
    assert_error(response, 404, "not_found")
    response = post_json(
        alice_client,
        f"/api/v1/records/{bare_record(alice).pk}/sources",
        {"source_id": 999999, "note": "x"},
    )
    assert_error(response, 404, "not_found")


def test_removing_a_source(alice, bob, alice_client):
    song = bare_record(bob)
    remix = bare_record(alice)
    cite(remix, song)
    response = alice_client.delete(f"/api/v1/records/{remix.pk}/sources/{song.pk}")
    assert response.status_code == 204
    listed = alice_client.get(f"/api/v1/records/{remix.pk}/sources").json()
    assert (listed["items"], listed["count"]) == ([], 0)


def test_lineage_nodes_and_edges_leave_out_drafts_others_cannot_see(alice, bob, client):
    root = bare_record(bob, title="Root")
    secret = bare_record(alice, title="Secret step", public=False)
    public = bare_record(alice, title="Public remix")
    cite(public, root)
    cite(public, secret)
    below = bare_record(bob, title="Remix of remix")
    cite(below, public)

    body = client.get(f"/api/v1/records/{public.pk}/lineage?depth=2").json()
    titles = {n["record"]["title"]: n["depth"] for n in body["nodes"]}
    assert titles == {"Public remix": 0, "Root": -1, "Remix of remix": 1}
    assert {(e["derived"], e["source"]) for e in body["edges"]} == {
        (public.pk, root.pk),
        (below.pk, public.pk),
    }
    client.force_login(alice)
    body = client.get(f"/api/v1/records/{public.pk}/lineage?direction=ancestors").json()
    assert {n["record"]["title"] for n in body["nodes"]} == {"Public remix", "Root", "Secret step"}


def test_lineage_of_a_draft_is_404_for_others(alice, client):
    draft = bare_record(alice, public=False)
    assert_error(client.get(f"/api/v1/records/{draft.pk}/lineage"), 404, "not_found")
    assert_error(client.get(f"/api/v1/records/{draft.pk}/credits"), 404, "not_found")
    assert_error(client.get(f"/api/v1/records/{draft.pk}/sources"), 404, "not_found")


def test_credits_as_json_and_json_ld(alice, bob, client):
    song = bare_record(bob, title="Song", licence="cc-by-sa-4.0")
    film = bare_record(alice, title="Film", kind="video", licence="cc-by-sa-4.0")
    cite(film, song, note="the score")

    body = client.get(f"/api/v1/records/{film.pk}/credits").json()
    assert body["people_count"] == 2
    assert [s["key"] for s in body["sections"]] == ["work", "direct"]
    direct = body["sections"][1]["roles"][0]
    assert direct["people"][0]["name"] == "Bob Brass"
    assert direct["people"][0]["records"][0]["title"] == "Song"

    response = client.get(f"/api/v1/records/{film.pk}/credits?format=jsonld")
    assert response["Content-Type"] == "application/ld+json"
    doc = response.json()
    assert doc["@context"] == "https://schema.org"
    assert doc["@type"] == "VideoObject"
    assert doc["license"] == "https://creativecommons.org/licenses/by-sa/4.0/"
    assert doc["creator"][0]["name"] == "Alice Archer"
    based = doc["isBasedOn"][0]
    assert (based["name"], based["creator"]["name"], based["description"]) == (
        "Song",
        "Bob Brass",
        "the score",
    )


def test_licences_say_what_remixes_may_do(client):
    licences = {lic["id"]: lic for lic in client.get("/api/v1/licenses").json()}
    assert licences["cc-by-sa-4.0"]["share_alike"] is True
    assert licences["cc-by-nd-4.0"]["derivatives"] is False
    assert licences["accord"]["derivatives"] is True
    assert len(licences) == 9


def test_never_remixed_filter_on_the_api_and_browse(alice, bob, client):
    used = bare_record(bob, title="Used one")
    fresh = bare_record(bob, title="Fresh one")
    cite(bare_record(alice, title="Remix"), used)
    titles = {r["title"] for r in client.get("/api/v1/records?never_remixed=true").json()["items"]}
    assert "Fresh one" in titles
    assert "Used one" not in titles
    html = client.get("/records/?never_remixed=1").content.decode()
    assert fresh.title in html
    assert used.title not in html
    assert "Used one" in client.get("/records/").content.decode()


def test_a_private_drafts_citation_does_not_count_as_a_remix(alice, bob, client):
    """Else "never remixed" would tell everyone someone has a draft built on it."""
    quiet = bare_record(bob, title="Quietly used")
    cite(bare_record(alice, title="Secret remix", public=False), quiet)
    removed = bare_record(alice, title="Removed remix")
    cite(removed, quiet)
    Record.objects.filter(pk=removed.pk).update(deleted_at=timezone.now())
    titles = {r["title"] for r in client.get("/api/v1/records?never_remixed=true").json()["items"]}
    assert "Quietly used" in titles


def test_lineage_counts_never_count_others_drafts(alice, bob, client):
    work = bare_record(alice, title="Work")
    cite(work, bare_record(bob, title="Public source"))
    cite(work, bare_record(alice, title="Hidden draft", public=False))
    cite(bare_record(bob, title="Remix"), work)
    body = client.get(f"/api/v1/records/{work.pk}/lineage").json()
    assert (body["ancestor_count"], body["descendant_count"]) == (1, 1)
    client.force_login(alice)
    body = client.get(f"/api/v1/records/{work.pk}/lineage").json()
    assert body["ancestor_count"] == 2


def test_editing_what_a_citation_says(alice, bob, alice_client, client):
    song = bare_record(bob, title="Song")
    work = bare_record(alice)
    cite(work, song, note="the tune")
    path = f"/api/v1/records/{work.pk}/sources/{song.pk}"
    response = alice_client.patch(
        path,
        '{"note": "the tune and the words", "part": "chorus", "start_seconds": 10, '
        '"end_seconds": 20}',
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert (response.json()["note"], response.json()["part"]) == (
        "the tune and the words",
        "chorus",
    )
    bad = alice_client.patch(
        path, '{"start_seconds": 30, "end_seconds": 20}', content_type="application/json"
    )
    assert_error(bad, 422, "invalid")
    empty = alice_client.patch(path, '{"note": "  "}', content_type="application/json")
    assert_error(empty, 422, "invalid")
    client.force_login(bob)
    assert_error(
        client.patch(path, '{"note": "mine now"}', content_type="application/json"),
        403,
        "forbidden",
    )
