"""Productions: sources from the selected entries, releases with frozen credits and thanks."""

from __future__ import annotations

import pytest

from ensemble.core.refusals import Refused
from ensemble.lineage.testing import bare_record
from ensemble.projects import productions, services
from ensemble.projects.models import Project
from ensemble.projects.testing import make_call, make_project
from ensemble.records import services as records
from ensemble.records.testing import make_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(alice, bob, carol):
    """The turnip film in miniature: a call, three entries, one selected."""
    from ensemble.accounts.testing import make_user

    dave = make_user("dave", display_name="Dave Draw")
    project = make_project(alice)
    call = make_call(project, accepted_kinds=["image"])
    picked = services.submit_entry(
        call, by=bob, record=bare_record(bob, kind="image", title="Picked")
    )
    services.submit_entry(call, by=carol, record=bare_record(carol, kind="image", title="Also ran"))
    services.submit_entry(call, by=dave, record=bare_record(dave, kind="image", title="Nice try"))
    services.decide([picked], by=alice, state="selected")
    film = bare_record(alice, kind="video", title="The film")
    return project, call, film


def test_a_production_cites_the_selected_entries(alice, story):
    project, _, film = story
    _production, problems = productions.make_production(project, by=alice, record=film)
    assert problems == []
    assert [e.source.title for e in film.source_edges.select_related("source")] == ["Picked"]
    with pytest.raises(Refused):
        productions.make_production(project, by=alice, record=film)


def test_only_leaders_make_productions_of_their_own_records(alice, bob, story):
    project, _, _film = story
    with pytest.raises(Refused):
        productions.make_production(project, by=bob, record=bare_record(bob))
    with pytest.raises(Refused):
        productions.make_production(project, by=alice, record=bare_record(bob))


def test_a_release_freezes_credits_thanks_the_rest_and_tells_everyone(alice, bob, carol, story):
    project, _, film = story
    production, _ = productions.make_production(project, by=alice, record=film)
    release = productions.release(production, by=alice)
    names = {p["name"] for s in release.credits for r in s["roles"] for p in r["people"]}
    assert names == {"Alice Archer", "Bob Brass"}
    assert [p["name"] for p in release.thanks] == ["carol", "Dave Draw"]
    assert (release.contribution_count, release.people_count) == (4, 4)
    assert release.number == 1
    project.refresh_from_db()
    assert project.status == Project.Status.RELEASED
    assert bob.notifications.filter(kind="production_released").exists()
    assert carol.notifications.filter(kind="production_released").exists()

    records.update_record(film, by=alice, title="The film (director's cut)")
    again = productions.release(production, by=alice)
    assert again.number == 2
    release.refresh_from_db()
    assert release.credits[0]["roles"][0]["people"][0]["records"][0]["title"] == "The film"


def test_a_draft_production_cannot_be_released(alice, story):
    project, _, _ = story
    from ensemble.records.testing import make_record

    draft = make_record(alice, title="Rough cut")
    production, _ = productions.make_production(project, by=alice, record=draft)
    with pytest.raises(Refused, match="Publish"):
        productions.release(production, by=alice)


def test_productions_and_releases_through_the_api(alice, story, alice_client):
    from django.test import Client

    from ensemble.accounts.tests.api_helpers import assert_error, post_json

    project, _, film = story
    response = post_json(
        alice_client, f"/api/v1/projects/{project.slug}/productions", {"record_id": film.pk}
    )
    assert response.status_code == 201, response.content
    production_id = response.json()["id"]
    anonymous = Client()
    assert_error(anonymous.get(f"/api/v1/productions/{production_id}/credits"), 404, "not_released")
    response = post_json(alice_client, f"/api/v1/productions/{production_id}/releases", {})
    assert response.status_code == 201, response.content
    body = anonymous.get(f"/api/v1/productions/{production_id}/credits").json()
    assert body["number"] == 1
    assert [p["name"] for p in body["thanks"]] == ["carol", "Dave Draw"]


def test_making_and_releasing_from_the_project_page(alice, story, alice_client):
    project, _, film = story
    response = alice_client.post(
        f"/projects/{project.slug}/productions", {"record": f"/records/{film.pk}"}, follow=True
    )
    assert "is the production" in response.content.decode()
    production = project.productions.get()
    response = alice_client.post(
        f"/projects/{project.slug}/productions/{production.pk}/release", follow=True
    )
    html = response.content.decode()
    assert "Released (release 1)" in html
    assert "Thanks to" in html
    assert "Dave Draw" in html


def test_the_project_page_shows_the_production_itself(alice, bob, client, tasks):
    project = make_project(alice)
    poster = make_record(alice, title="The poster", publish=True)  # a real, processed image
    production = productions.make_production(project, by=alice, record=poster)[0]
    productions.release(production, by=alice)
    html = client.get(project.get_absolute_url()).content.decode()
    assert 'class="record__viewer record__viewer--image"' in html
    assert "/media/" in html


def test_a_draft_production_does_not_play_for_strangers(alice, client, tasks):
    project = make_project(alice)
    draft = make_record(alice, title="Rough cut")  # processed, not published
    productions.make_production(project, by=alice, record=draft)
    html = client.get(project.get_absolute_url()).content.decode()
    assert "record__viewer" not in html
    client.force_login(alice)
    assert "record__viewer" in client.get(project.get_absolute_url()).content.decode()
    client.logout()
    assert "Rough cut" not in client.get(project.get_absolute_url()).content.decode()
