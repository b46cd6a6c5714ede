"""Requests and checks for the co-creator tests (test_cocreators.py,
test_cocreator_buttons.py)."""

from __future__ import annotations

import re

from django.test import Client

from ensemble.accounts.tests.api_helpers import post_json
from ensemble.records.testing import served

# The notification kinds the records app registers (ensemble/records/notifications.py).
INVITED = "cocreator_invited"
ACCEPTED = "cocreator_accepted"
DECLINED = "cocreator_declined"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api(record, suffix: str = "") -> str:
    return f"/api/v1/records/{record.pk}{suffix}"


def page(record, suffix: str = "") -> str:
    return f"/records/{record.pk}{suffix}"


def invite(client, record, username: str):
    return post_json(client, api(record, "/cocreators"), {"username": username})


def answer(client, record, cocreator_id: int, verb: str):
    return client.post(api(record, f"/cocreators/{cocreator_id}/{verb}"))


def invited(client, record, username: str = "bob") -> int:
    response = invite(client, record, username)
    assert response.status_code == 201, response.content
    return response.json()["id"]


def credit_line(response) -> str:
    """The "by Alice and Bob" line of a record page."""
    match = re.search(r'<p class="record__creators">(.*?)</p>', response.content.decode(), re.S)
    assert match, "no credit line on the page"
    return match[1]


def media_urls(client, record) -> list[str]:
    media = client.get(api(record)).json()["media"]
    return [media[role] for role in ("thumb", "image", "download")]


def sees_draft(client, record) -> bool:
    """Page, API and media agree: all 200, or all 404."""
    statuses = {client.get(page(record)).status_code, client.get(api(record)).status_code}
    assert len(statuses) == 1, statuses
    return statuses == {200}


def media_statuses(client, urls) -> set[int]:
    statuses = set()
    for media_url in urls:
        statuses.add(served(client, media_url).status_code)
    return statuses
