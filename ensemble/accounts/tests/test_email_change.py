"""Changing the email address: confirmed from the new address, announced to the old one."""

from __future__ import annotations

import json
import re

import pytest
from django.core import mail
from django.urls import reverse

from ensemble.accounts.models import User
from ensemble.accounts.testing import PASSWORD, make_user
from ensemble.notifications.models import Notification

CHANGE = reverse("accounts:change_email")


def _confirm_path(message) -> str:
    match = re.search(r"http://testserver(/accounts/email/confirm/\S+)", message.body)
    assert match, message.body
    return match.group(1)


def _request_change(client, email="alice@new.example.org", password=PASSWORD):
    return client.post(CHANGE, {"email": email, "password": password})


def test_the_change_waits_for_the_link_from_the_new_address(alice, alice_client, tasks):
    response = _request_change(alice_client)
    assert response.status_code == 302
    tasks()
    alice.refresh_from_db()
    assert alice.email == "alice@example.org"  # nothing changes before the click

    to_new = next(m for m in mail.outbox if m.to == ["alice@new.example.org"])
    to_old = next(m for m in mail.outbox if m.to == ["alice@example.org"])
    assert "alice@new.example.org" in to_old.body
    assert "/accounts/password/reset/" in to_old.body

    page = alice_client.get(_confirm_path(to_new))
    assert page.status_code == 200
    assert "alice@new.example.org" in page.content.decode()
    alice.refresh_from_db()
    assert alice.email == "alice@example.org"  # opening the link changes nothing

    response = alice_client.post(_confirm_path(to_new))
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.email == "alice@new.example.org"
    assert alice.email_verified
    assert Notification.objects.filter(recipient=alice, kind="email_changed").exists()


def test_a_confirmation_link_works_once(alice, alice_client, tasks):
    _request_change(alice_client)
    tasks()
    path = _confirm_path(next(m for m in mail.outbox if m.to == ["alice@new.example.org"]))
    assert alice_client.post(path).status_code == 302
    second = alice_client.post(path)
    assert second.status_code == 400
    assert "no longer valid" in second.content.decode()


def test_an_older_request_cannot_undo_a_newer_change(alice, alice_client, tasks):
    _request_change(alice_client, email="first@example.org")
    _request_change(alice_client, email="second@example.org")
    tasks()
    first = _confirm_path(next(m for m in mail.outbox if m.to == ["first@example.org"]))
    second = _confirm_path(next(m for m in mail.outbox if m.to == ["second@example.org"]))
    assert alice_client.post(second).status_code == 302
    assert alice_client.post(first).status_code == 400
    alice.refresh_from_db()
    assert alice.email == "second@example.org"


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("alice@new.example.org", "wrong password", "Your password is not right."),
        ("ALICE@example.org", PASSWORD, "That is already your address."),
        ("bob@example.org", PASSWORD, "already exists"),
        ("not-an-address", PASSWORD, "Enter a valid email address."),
    ],
)
def test_bad_requests_are_refused_and_send_nothing(
    alice, bob, alice_client, tasks, email, password, message
):
    response = _request_change(alice_client, email=email, password=password)
    assert response.status_code == 200
    assert message in response.content.decode()
    tasks()
    assert mail.outbox == []
    alice.refresh_from_db()
    assert alice.email == "alice@example.org"


def test_an_address_taken_before_the_click_is_refused(alice, alice_client, tasks):
    _request_change(alice_client, email="wanted@example.org")
    tasks()
    path = _confirm_path(next(m for m in mail.outbox if m.to == ["wanted@example.org"]))
    make_user("sniper", email="Wanted@example.org")
    response = alice_client.post(path)
    assert response.status_code == 400
    assert "took this address" in response.content.decode()
    alice.refresh_from_db()
    assert alice.email == "alice@example.org"


def test_a_tampered_link_is_refused(alice, client):
    response = client.get(reverse("accounts:confirm_email_change", args=["forged:token"]))
    assert response.status_code == 400
    assert "not valid" in response.content.decode()


def test_email_change_requests_are_throttled(alice, alice_client, settings, tasks):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "email_change": (2, 3600)}
    for n in range(2):
        assert _request_change(alice_client, email=f"n{n}@example.org").status_code == 302
    response = _request_change(alice_client, email="n9@example.org")
    assert response.status_code == 429
    assert "Retry-After" in response
    tasks()
    assert len(mail.outbox) == 4  # a link and a notice for each allowed request, no more
    assert not [m for m in mail.outbox if m.to == ["n9@example.org"]]


def test_the_page_needs_a_signed_in_member(client, db):
    response = client.get(CHANGE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_api_starts_a_change_with_202_and_refuses_bad_passwords(alice, client, tasks):
    from ensemble.accounts import services

    secret = services.create_access_token(alice, "script").secret
    headers = {"Authorization": f"Bearer {secret}"}
    bad = client.post(
        "/api/v1/me/email",
        json.dumps({"email": "api@example.org", "password": "nope"}),
        content_type="application/json",
        headers=headers,
    )
    assert bad.status_code == 422
    assert bad.json()["errors"] == [{"field": "password", "message": "Your password is not right."}]

    good = client.post(
        "/api/v1/me/email",
        json.dumps({"email": "api@example.org", "password": PASSWORD}),
        content_type="application/json",
        headers=headers,
    )
    assert good.status_code == 202
    assert "api@example.org" in good.json()["detail"]
    tasks()
    assert any(m.to == ["api@example.org"] for m in mail.outbox)
    assert User.objects.get(pk=alice.pk).email == "alice@example.org"


def test_the_api_refuses_anonymous_change_requests(client, db):
    response = client.post(
        "/api/v1/me/email",
        json.dumps({"email": "x@example.org", "password": "x"}),
        content_type="application/json",
    )
    assert response.status_code == 401
