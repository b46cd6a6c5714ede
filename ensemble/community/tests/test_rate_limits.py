"""Floods of community writes: each kind (comments, mentions, hearts, follows, lists)
has a limit per member and per address; the one over it gets 429 with Retry-After, on
the page and in the API, and changes nothing; others are unaffected; the window ends."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from ensemble.accounts.testing import make_user
from ensemble.accounts.tests.api_helpers import assert_error, post_json
from ensemble.community.models import Comment, Follow, Heart, ListItem, RecordList
from ensemble.lineage.testing import bare_record

pytestmark = pytest.mark.django_db


@dataclass
class Write:
    kind: str
    send: Callable[[Client, Any, int], Any]  # (client, the world, n-th write) -> response
    count: Callable[[], int]


def _world(alice: Any) -> Any:
    records = [bare_record(alice, kind="text", title=f"Poem {i}") for i in range(3)]
    people = [make_user(f"person{i}") for i in range(3)]
    return {"records": records, "people": people, "alice": alice}


def _list_for(client: Client) -> int:
    response = post_json(client, "/api/v1/lists", {"title": "Mine"})
    return response.json()["id"]


API_WRITES = [
    Write(
        "comment",
        lambda c, w, n: post_json(
            c, f"/api/v1/records/{w['records'][0].pk}/comments", {"body": f"Hi {n}"}
        ),
        Comment.objects.count,
    ),
    Write(
        "heart",
        lambda c, w, n: post_json(c, f"/api/v1/records/{w['records'][n].pk}/hearts", {}),
        Heart.objects.count,
    ),
    Write(
        "follow",
        lambda c, w, n: post_json(c, f"/api/v1/users/{w['people'][n].username}/follow", {}),
        Follow.objects.count,
    ),
    Write(
        "list",
        lambda c, w, n: post_json(c, "/api/v1/lists", {"title": f"L{n}"}),
        RecordList.objects.count,
    ),
]

PAGE_WRITES = [
    Write(
        "comment",
        lambda c, w, n: c.post(
            "/comments", {"target": "record", "target_id": w["records"][0].pk, "body": f"Hi {n}"}
        ),
        Comment.objects.count,
    ),
    Write(
        "heart", lambda c, w, n: c.post(f"/records/{w['records'][n].pk}/heart"), Heart.objects.count
    ),
    Write(
        "follow",
        lambda c, w, n: c.post("/follow", {"person": w["people"][n].username}),
        Follow.objects.count,
    ),
    Write(
        "list", lambda c, w, n: c.post("/lists/new", {"title": f"L{n}"}), RecordList.objects.count
    ),
]


def _limit(settings: Any, kind: str, member: int = 100, address: int = 100) -> None:
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        kind: (member, 600),
        f"{kind}_ip": (address, 600),
    }


def _refused(response: Any, *, api: bool) -> None:
    if api:
        assert_error(response, 429, "rate_limited")
    else:
        assert response.status_code == 429
        assert b"Slow down" in response.content
    assert 0 < int(response["Retry-After"]) <= 3600


def _ok(response: Any) -> None:
    assert response.status_code in (200, 201, 302), response.content


@pytest.mark.parametrize(
    ("write", "api"),
    [(w, True) for w in API_WRITES] + [(w, False) for w in PAGE_WRITES],
    ids=[f"api-{w.kind}" for w in API_WRITES] + [f"page-{w.kind}" for w in PAGE_WRITES],
)
def test_a_member_over_a_write_limit_gets_429_and_nothing_changes(
    write, api, alice, bob, carol, settings, rate_clock
):
    world = _world(alice)
    _limit(settings, write.kind, member=1)
    flooder, other = Client(), Client()
    flooder.force_login(bob)
    other.force_login(carol)
    _ok(write.send(flooder, world, 0))
    before = write.count()
    _refused(write.send(flooder, world, 1), api=api)
    assert write.count() == before  # the refused write changed nothing
    _ok(write.send(other, world, 1))  # another member, same address: unaffected
    rate_clock.advance(600)  # the window ends
    _ok(write.send(flooder, world, 2))


@pytest.mark.parametrize("write", API_WRITES, ids=[w.kind for w in API_WRITES])
def test_an_address_over_a_write_limit_gets_429_whoever_signs_in(
    write, alice, bob, carol, settings
):
    world = _world(alice)
    _limit(settings, write.kind, address=1)
    here, elsewhere = Client(REMOTE_ADDR="198.51.100.7"), Client(REMOTE_ADDR="203.0.113.9")
    here.force_login(bob)
    _ok(write.send(here, world, 0))
    here.force_login(carol)
    before = write.count()
    _refused(write.send(here, world, 1), api=True)
    assert write.count() == before
    elsewhere.force_login(carol)
    _ok(write.send(elsewhere, world, 1))  # another address: unaffected


def test_list_items_are_list_writes(alice, bob, settings):
    world = _world(alice)
    client = Client()
    client.force_login(bob)
    list_id = _list_for(client)
    _limit(settings, "list", member=1)  # the list above was counted before this limit
    records = world["records"]
    add = f"/api/v1/lists/{list_id}/items"
    _ok(post_json(client, add, {"record_id": records[0].pk}))
    _refused(post_json(client, add, {"record_id": records[1].pk}), api=True)
    _refused(client.post("/lists/add", {"list": list_id, "record": records[1].pk}), api=False)
    assert ListItem.objects.count() == 1


def test_naming_too_many_people_is_refused_before_anything_is_said(alice, bob, settings):
    world = _world(alice)
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "mention": (4, 3600)}
    client = Client()
    client.force_login(bob)
    names = " ".join(f"@{p.username}" for p in world["people"])
    url = f"/api/v1/records/{world['records'][0].pk}/comments"
    _ok(post_json(client, url, {"body": f"Look {names}"}))  # three people
    _refused(post_json(client, url, {"body": f"Again {names}"}), api=True)  # six > 4
    _refused(
        client.post(
            "/comments",
            {"target": "record", "target_id": world["records"][0].pk, "body": f"Once more {names}"},
        ),
        api=False,
    )
    assert Comment.objects.count() == 1
    assert world["people"][0].notifications.count() == 1
    _ok(post_json(client, url, {"body": "No names: still fine"}))


def test_reading_pages_is_never_counted_as_a_write(bob, settings):
    _limit(settings, "list", member=1, address=1)
    client = Client()
    client.force_login(bob)
    for _ in range(3):
        assert client.get("/lists/new").status_code == 200
