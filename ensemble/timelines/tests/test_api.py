"""The timelines API: the editor's whole story in JSON, and who may see any of it."""

from __future__ import annotations

import json

import pytest

from ensemble.accounts.services import create_access_token
from ensemble.core.testing import run_tasks
from ensemble.timelines.tests.helpers import cut, footage

pytestmark = pytest.mark.django_db


@pytest.fixture
def f(alice, bob, carol):
    return footage(alice, bob, carol)


def bearer(user) -> dict[str, str]:
    return {"Authorization": f"Bearer {create_access_token(user, 'tests').secret}"}


def call(client, method, url, who=None, body=None):
    headers = bearer(who) if who is not None else {}
    data = json.dumps(body) if body is not None else None
    return getattr(client, method)(
        f"/api/v1{url}", data=data, content_type="application/json", headers=headers
    )


def test_a_leader_edits_renders_and_follows_a_production_through_the_api(client, f, alice):
    made = call(
        client, "post", f"/projects/{f.project.slug}/timelines", alice, {"title": "The walk home"}
    )
    assert made.status_code == 201, made.json()
    timeline = made.json()
    assert timeline["revision"]["number"] == 1
    assert timeline["production_id"] is None
    url = f"/timelines/{timeline['id']}"
    saved = call(client, "put", url, alice, {"document": cut(f), "based_on": 1, "note": "Cut"})
    assert saved.status_code == 200, saved.json()
    assert saved.json()["number"] == 2
    assert saved.json()["seconds"] == 3.0
    stale = call(client, "put", url, alice, {"document": cut(f), "based_on": 1})
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale_revision"
    compared = call(client, "get", f"{url}/compare?older=1&newer=2", alice)
    assert compared.status_code == 200
    assert compared.json()["changes"]
    history = call(client, "get", f"{url}/revisions", alice).json()
    assert [r["number"] for r in history] == [2, 1]
    assert call(client, "get", f"{url}/revisions/1", alice).json()["document"]["video"]
    restored = call(client, "post", f"{url}/revisions/1/restore", alice)
    assert restored.status_code == 201
    assert restored.json()["restored_from"] == 1
    call(client, "post", f"{url}/revisions/2/restore", alice)
    started = call(client, "post", f"{url}/renders", alice, {"quality": "final"})
    assert started.status_code == 202
    assert started.json()["state"] == "queued"
    run_tasks()
    render = call(client, "get", f"/renders/{started.json()['id']}", alice).json()
    assert render["state"] == "ready"
    assert render["version"] == 1
    assert render["record_id"]
    assert call(client, "get", url, alice).json()["record_id"] == render["record_id"]
    listed = call(client, "get", f"/projects/{f.project.slug}/timelines", alice).json()
    assert [t["id"] for t in listed] == [timeline["id"]]


def test_a_broken_document_is_a_422_naming_the_item(client, f, alice):
    timeline = call(
        client, "post", f"/projects/{f.project.slug}/timelines", alice, {"title": "T"}
    ).json()
    broken = cut(f, video=[{"type": "clip", "record": f.clip.pk, "in": 3, "out": 1}])
    answer = call(
        client, "put", f"/timelines/{timeline['id']}", alice, {"document": broken, "based_on": 1}
    )
    assert answer.status_code == 422
    assert answer.json()["detail"].startswith("video 1:")
    wrong = call(client, "post", f"/timelines/{timeline['id']}/renders", alice, {"quality": "best"})
    assert wrong.status_code == 422


def test_only_leaders_see_timelines_and_renders(client, f, alice, bob):
    timeline = call(
        client, "post", f"/projects/{f.project.slug}/timelines", alice, {"title": "T"}
    ).json()
    render = call(
        client, "post", f"/timelines/{timeline['id']}/renders", alice, {"quality": "draft"}
    ).json()
    for url in (
        f"/timelines/{timeline['id']}",
        f"/renders/{render['id']}",
        f"/timelines/{timeline['id']}/revisions",
        f"/projects/{f.project.slug}/timelines",
    ):
        assert call(client, "get", url, bob).status_code == 403
        assert call(client, "get", url).status_code == 401
    assert (
        call(
            client, "post", f"/projects/{f.project.slug}/timelines", bob, {"title": "Mine"}
        ).status_code
        == 403
    )
    assert call(client, "get", "/timelines/999999", alice).status_code == 404
