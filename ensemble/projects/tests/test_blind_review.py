"""Blind review: while the call is open, nothing on the way to an entry names its entrant.

A leader (or anyone: a reviewer could sign out) walks every place the entries show up,
the review grid, its htmx answers, the call page, the API's entries, decisions and
scores, browse and `GET /records` by call, their notifications, and finds the entries
to review (media, text) but no name, username, record number or record link. Each
entrant still sees their own. Without blind review, or once the call closes, the names
are back.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.core import signing
from django.test import Client

from ensemble.accounts.testing import make_user
from ensemble.accounts.tests.api_helpers import post_json
from ensemble.projects import services
from ensemble.projects.testing import make_call, make_project
from ensemble.records.models import Record
from ensemble.records.testing import make_record

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
MEDIA = re.compile(r"/media/r/([^/\"'\s]+)/[^\"'\s<]*")


@pytest.fixture
def blind(alice, bob, carol, mod):
    """A blind call of alice's (mod leads with her): a drawing by bob, a poem by carol."""
    project = make_project(alice)
    services.add_leader(project, by=alice, user=mod)
    call = make_call(project, blind_review=True, accepted_kinds=["image", "text"])
    drawing = make_record(bob, title="Turnip in pen", publish=True)
    poem = make_record(carol, text="A turnip, *buttoned up*.", title="Buttoned", publish=True)
    services.submit_entry(call, by=bob, record=drawing)
    services.submit_entry(call, by=carol, record=poem)
    return call


def entrants(call) -> list[tuple[str, str, Record]]:
    return [(e.entrant.username, e.entrant.name, e.record) for e in call.entries.all()]


def leaks(text: str, call, *, but: str = "") -> list[str]:
    """What in `text` leads to an entrant (other than `but`): their username or display
    name, their profile, their record's number or page. Media links are checked apart
    (`token_leaks`): their tokens are random letters."""
    text = MEDIA.sub("/media/r/…", text)
    found = []
    for username, name, record in entrants(call):
        if username == but:
            continue
        if re.search(rf"\b{re.escape(username)}\b", text, re.IGNORECASE):
            found.append(username)
        if name in text:
            found.append(name)
        if re.search(rf"/records/{record.pk}(?!\d)", text):
            found.append(record.get_absolute_url())
    return found


def json_leaks(data: Any, call, *, but: str = "") -> list[str]:
    """`leaks` in a JSON answer, and any `record_id` of someone else's entry."""
    found = leaks(json.dumps(data), call, but=but)
    others = {r.pk for username, _, r in entrants(call) if username != but}

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                if key == "record_id" and inner in others:
                    found.append(f"record_id {inner}")
                walk(inner)
        elif isinstance(value, list):
            for inner in value:
                walk(inner)

    walk(data)
    return found


def token_leaks(text: str, call) -> list[str]:
    """Media tokens are signed, not encrypted: none may carry a record's or a
    version's number (numbers near the record's)."""
    numbers = set()
    for _, _, record in entrants(call):
        numbers |= {record.pk, record.current_version_id}
    found = []
    for token in MEDIA.findall(text):
        payload = signing.loads(token, salt="ensemble.records.media")
        found += [f"{token}: {v}" for v in payload[:1] if v in numbers]
    return found


def as_(client: Client, user) -> Client:
    if user is None:
        client.logout()
    else:
        client.force_login(user)
    return client


def test_the_leaders_review_everything_and_find_no_way_to_the_entrants(alice, mod, blind, client):
    as_(client, alice)
    drawing = blind.entries.get(record__kind="image")
    grid = client.get(f"/calls/{blind.pk}/review").content.decode()
    assert "Turnip in pen" in grid
    assert "<em>buttoned up</em>" in grid
    assert MEDIA.search(grid)  # the drawing, through a media link
    page = client.get(blind.get_absolute_url()).content.decode()
    assert "Turnip in pen" in page
    assert MEDIA.search(page)
    scored = client.post(f"/entries/{drawing.pk}/score", {"value": "4"}, headers=HTMX)
    decided = client.post(
        f"/calls/{blind.pk}/decide", {"entry": [drawing.pk], "state": "shortlisted"}, headers=HTMX
    )
    assert (scored.status_code, decided.status_code) == (200, 200)
    for html in (grid, page, scored.content.decode(), decided.content.decode()):
        assert leaks(html, blind) == []
        assert token_leaks(html, blind) == []

    listed = client.get(f"/api/v1/calls/{blind.pk}/entries").json()
    by_kind = {e["kind"]: e for e in listed["items"]}
    assert by_kind["image"]["media"]["thumb"].startswith("/media/r/")
    assert "<em>buttoned up</em>" in by_kind["text"]["text_html"]
    assert {e["record_id"] for e in listed["items"]} == {None}
    answers = [
        listed,
        post_json(client, f"/api/v1/entries/{drawing.pk}/decision", {"state": "selected"}).json(),
        post_json(client, f"/api/v1/entries/{drawing.pk}/scores", {"value": 5}).json(),
    ]
    for answer in answers:
        assert json_leaks(answer, blind) == []
        assert token_leaks(json.dumps(answer), blind) == []

    # Browse and `GET /records` by call would list the records with their owners.
    assert leaks(client.get(f"/records/?call={blind.pk}").content.decode(), blind) == []
    assert client.get(f"/api/v1/records?call={blind.pk}").json()["items"] == []

    # Another leader's decisions tell the entrant, never the leaders who entered nothing.
    as_(client, mod)
    post_json(client, f"/api/v1/entries/{drawing.pk}/decision", {"state": "declined"})
    as_(client, alice)
    assert leaks(client.get("/notifications/").content.decode(), blind) == []
    assert json_leaks(client.get("/api/v1/notifications").json(), blind) == []


@pytest.mark.parametrize("who", ["signed out", "outsider"])
def test_a_reviewer_signed_out_learns_no_more(who, blind, client):
    as_(client, None if who == "signed out" else make_user("dora"))
    page = client.get(blind.get_absolute_url()).content.decode()
    assert "Turnip in pen" in page
    assert leaks(page, blind) == []
    assert json_leaks(client.get(f"/api/v1/calls/{blind.pk}/entries").json(), blind) == []
    assert leaks(client.get(f"/records/?call={blind.pk}").content.decode(), blind) == []
    assert client.get(f"/api/v1/records?call={blind.pk}").json()["items"] == []


def test_each_entrant_still_sees_their_own_and_nobody_elses(bob, blind, client):
    as_(client, bob)
    mine = blind.entries.get(entrant=bob).record
    page = client.get(blind.get_absolute_url()).content.decode()
    assert mine.get_absolute_url() in page
    assert leaks(page, blind, but="bob") == []
    listed = client.get(f"/api/v1/calls/{blind.pk}/entries").json()
    assert json_leaks(listed, blind, but="bob") == []
    assert {e["record_id"] for e in listed["items"]} == {mine.pk, None}
    found = client.get(f"/api/v1/records?call={blind.pk}").json()["items"]
    assert [r["id"] for r in found] == [mine.pk]


def test_without_blind_review_the_leaders_see_who_and_what(alice, bob, client):
    call = make_call(make_project(alice, title="Open review"))
    drawing = make_record(bob, title="Turnip in pen", publish=True)
    services.submit_entry(call, by=bob, record=drawing)
    as_(client, alice)
    for page in (call.get_absolute_url(), f"/calls/{call.pk}/review"):
        html = client.get(page).content.decode()
        assert "Bob Brass" in html
        assert drawing.get_absolute_url() in html
    (entry,) = client.get(f"/api/v1/calls/{call.pk}/entries").json()["items"]
    assert (entry["entrant"], entry["record_id"]) == ("bob", drawing.pk)


def test_names_come_back_when_the_call_closes(alice, blind, client):
    services.set_call_status(blind, by=alice, status="closed")
    as_(client, alice)
    for page in (blind.get_absolute_url(), f"/calls/{blind.pk}/review"):
        html = client.get(page).content.decode()
        assert "Bob Brass" in html
        assert blind.entries.get(entrant__username="bob").record.get_absolute_url() in html
    listed = client.get(f"/api/v1/calls/{blind.pk}/entries").json()["items"]
    assert {e["entrant"] for e in listed} == {"bob", "carol"}
    assert None not in {e["record_id"] for e in listed}
    assert len(client.get(f"/api/v1/records?call={blind.pk}").json()["items"]) == 2
