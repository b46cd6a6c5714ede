"""The community API and pages: the same rules, the one error shape, nothing leaked."""

from __future__ import annotations

import pytest
from django.test import Client

from ensemble.accounts.tests.api_helpers import assert_error, post_json
from ensemble.community.models import Comment, Follow, Heart, RecordList
from ensemble.lineage.testing import bare_record
from ensemble.projects.testing import make_call, make_project

pytestmark = pytest.mark.django_db


def test_hearts_follows_comments_and_lists_through_the_api(alice, bob, client):
    poem = bare_record(alice, kind="text", title="Turnip ode")
    client.force_login(bob)
    first = post_json(client, f"/api/v1/records/{poem.pk}/hearts", {})
    assert (first.status_code, first.json()["heart_count"]) == (201, 1)
    again = post_json(client, f"/api/v1/records/{poem.pk}/hearts", {})
    assert (again.status_code, again.json()["heart_count"]) == (200, 1)
    assert client.get(f"/api/v1/records/{poem.pk}").json()["heart_count"] == 1
    assert client.delete(f"/api/v1/records/{poem.pk}/hearts").json()["heart_count"] == 0
    assert post_json(client, "/api/v1/users/alice/follow", {}).json() == {"following": True}
    assert Client().get("/api/v1/users/alice/followers").json() == ["bob"]
    made = post_json(client, f"/api/v1/records/{poem.pk}/comments", {"body": "Hi @alice"})
    assert made.status_code == 201
    listed = Client().get(f"/api/v1/records/{poem.pk}/comments").json()["items"]
    assert listed[0]["body_html"].startswith('<p>Hi <a href="/@alice/" class="mention">@alice')
    new = post_json(client, "/api/v1/lists", {"title": "Faves"}).json()
    post_json(client, f"/api/v1/lists/{new['id']}/items", {"record_id": poem.pk, "note": "Yes"})
    assert Client().get(f"/api/v1/lists/{new['id']}").json()["items"][0]["note"] == "Yes"


def test_api_refusals_in_the_error_shape(alice, bob, client):
    poem = bare_record(alice, kind="text")
    draft = bare_record(alice, kind="text", public=False)
    client.force_login(alice)
    assert_error(post_json(client, f"/api/v1/records/{poem.pk}/hearts", {}), 409, "own_work")
    assert_error(post_json(client, "/api/v1/users/alice/follow", {}), 409, "self")
    client.force_login(bob)
    assert_error(post_json(client, f"/api/v1/records/{draft.pk}/hearts", {}), 404, "not_found")
    assert_error(
        post_json(client, f"/api/v1/records/{draft.pk}/comments", {"body": "x"}), 404, "not_found"
    )
    assert_error(
        post_json(client, f"/api/v1/records/{poem.pk}/comments", {"body": ""}), 422, "invalid"
    )
    assert_error(post_json(client, "/api/v1/users/nobody/follow", {}), 404, "not_found")
    mine = post_json(client, "/api/v1/lists", {"title": "Mine"}).json()
    assert_error(
        post_json(client, f"/api/v1/lists/{mine['id']}/items", {"record_id": draft.pk}),
        404,
        "not_found",
    )
    assert Client().get(f"/api/v1/records/{draft.pk}/comments").status_code == 404
    assert not Heart.objects.exists()
    assert not Comment.objects.exists()


def test_the_pages_heart_comment_follow_and_list(alice, bob, client):
    poem = bare_record(alice, kind="text", title="Turnip ode")
    project = make_project(alice)
    call = make_call(project)
    client.force_login(bob)
    page = client.get(poem.get_absolute_url()).content.decode()
    assert 'aria-pressed="false"' in page
    assert 'id="comments"' in page
    client.post(f"/records/{poem.pk}/heart", {"next": poem.get_absolute_url()})
    assert 'aria-pressed="true"' in client.get(poem.get_absolute_url()).content.decode()
    response = client.post(
        "/comments", {"target": "record", "target_id": poem.pk, "body": "Wonderful"}
    )
    assert response["Location"].endswith(f"#comment-{Comment.objects.get().pk}")
    client.post("/comments", {"target": "call", "target_id": call.pk, "body": "Count me in"})
    assert "Count me in" in client.get(call.get_absolute_url()).content.decode()
    client.post("/follow", {"person": "alice", "next": "/@alice"})
    client.post("/follow", {"project": project.slug})
    assert Follow.objects.count() == 2
    assert "Following" in client.get("/@alice/").content.decode()
    client.post("/lists/new", {"title": "Turnips"})
    favourites = RecordList.objects.get()
    client.post("/lists/add", {"list": favourites.pk, "record": poem.pk, "note": "Lovely"})
    assert "Lovely" in Client().get(favourites.get_absolute_url()).content.decode()


def test_strangers_are_sent_to_sign_in_and_nothing_changes(alice, client):
    poem = bare_record(alice, kind="text")
    posts = (
        (f"/records/{poem.pk}/heart", {}),
        ("/follow", {"person": "alice"}),
        ("/comments", {"target": "record", "target_id": poem.pk, "body": "x"}),
    )
    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    assert not Heart.objects.exists()
    assert not Comment.objects.exists()
