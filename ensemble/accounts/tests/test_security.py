"""Attacks the rate limits and the password flows must withstand (from the first review)."""

from __future__ import annotations

import json
import threading

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.urls import reverse

from ensemble.accounts import services
from ensemble.accounts.testing import PASSWORD
from ensemble.accounts.tests.test_password import emailed_reset_link, set_new_password
from ensemble.core import ratelimit
from ensemble.core.models import RateCounter
from ensemble.core.ratelimit import RateLimited

LOGIN = reverse("accounts:login")
TOKENS_API = "/api/v1/auth/tokens"


def _token_request(client, password, ip="10.0.0.1"):
    return client.post(
        TOKENS_API,
        json.dumps({"username": "alice", "password": password}),
        content_type="application/json",
        REMOTE_ADDR=ip,
    )


def test_over_the_limit_even_the_right_password_is_not_checked(alice, client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login_account_ip": (3, 900)}
    for _ in range(3):
        assert _token_request(client, "guess").status_code == 401
    response = _token_request(client, PASSWORD)
    assert response.status_code == 429
    assert "token" not in response.json()
    assert not alice.access_tokens.exists()


def test_members_signing_in_correctly_are_never_throttled(alice, client, settings):
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "login_ip": (3, 900),
        "login_account_ip": (3, 900),
        "login_account": (3, 3600),
    }
    for _ in range(10):
        response = client.post(LOGIN, {"username": "alice", "password": PASSWORD})
        assert response.status_code == 302
        client.logout()
    # The control: with the same limits, wrong passwords are stopped.
    wrong = [
        client.post(LOGIN, {"username": "alice", "password": "guess"}).status_code for _ in range(4)
    ]
    assert wrong == [200, 200, 200, 429]


def test_a_lockout_does_not_tell_which_email_belongs_to_which_username(
    alice, bob, client, settings
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login_account_ip": (2, 900)}
    statuses = [
        client.post(
            LOGIN, {"username": "alice", "password": "guess"}, REMOTE_ADDR="10.9.9.9"
        ).status_code
        for _ in range(3)
    ]
    assert statuses == [200, 200, 429]  # the lockout works for the name as typed
    # alice's email, typed from the same address, answers like any other email would.
    response = client.post(
        LOGIN, {"username": "alice@example.org", "password": "guess"}, REMOTE_ADDR="10.9.9.9"
    )
    assert response.status_code == 200
    assert "Please enter a correct username" in response.content.decode()


def test_whitespace_and_case_do_not_make_a_fresh_reset_allowance(alice, client, settings, tasks):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "password_reset": (2, 3600)}
    variants = [
        "alice@example.org",
        "  alice@example.org",
        "ALICE@example.org ",
        "\talice@example.org",
    ]
    statuses = [
        client.post(
            reverse("accounts:password_reset"), {"email": v}, REMOTE_ADDR=f"10.1.0.{n}"
        ).status_code
        for n, v in enumerate(variants)
    ]
    assert statuses == [302, 302, 429, 429]
    tasks()
    assert len(mail.outbox) == 2


def test_a_stolen_token_cannot_guess_the_password_through_an_email_change(alice, client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "password_check": (3, 3600)}
    secret = services.create_access_token(alice, "leaked").secret
    headers = {"Authorization": f"Bearer {secret}"}

    def attempt(password):
        return client.post(
            "/api/v1/me/email",
            json.dumps({"email": "thief@example.org", "password": password}),
            content_type="application/json",
            headers=headers,
        ).status_code

    assert [attempt("guess") for _ in range(3)] == [422, 422, 422]
    assert attempt(PASSWORD) == 429
    alice.refresh_from_db()
    assert alice.email == "alice@example.org"
    assert not [m for m in mail.outbox if "thief@example.org" in m.to]


def test_the_old_password_check_of_a_password_change_is_throttled(alice, alice_client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "password_check": (2, 3600)}
    change = reverse("accounts:password_change")
    new = "tangerine quartz meadow 9"
    for _ in range(2):
        alice_client.post(
            change, {"old_password": "guess", "new_password1": new, "new_password2": new}
        )
    response = alice_client.post(
        change, {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 429
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_a_password_reset_revokes_every_api_token(alice, client, tasks):
    secret = services.create_access_token(alice, "planted").secret
    tasks()
    mail.outbox.clear()  # the "new token" notice
    set_new_password(client, emailed_reset_link(client, tasks))
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 401
    assert not alice.access_tokens.active().exists()


def test_a_password_change_revokes_the_tokens_and_keeps_this_session(alice, alice_client):
    secret = services.create_access_token(alice, "old script").secret
    new = "tangerine quartz meadow 9"
    response = alice_client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert alice_client.get("/settings/profile/").status_code == 200
    assert (
        alice_client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code
        == 401
    )


def test_unverified_addresses_get_no_notification_emails(client, db, tasks):
    from ensemble.accounts.testing import make_user
    from ensemble.notifications.services import notify

    mallory = make_user("mallory", verified=False, email="victim@example.org")
    notify(mallory, "password_changed")  # emailed by default, but not to an unproven address
    tasks()
    assert mail.outbox == []


@pytest.mark.skipif(
    "postgresql" not in django_settings.DATABASES["default"]["ENGINE"],
    reason="needs separate connections writing at once: runs on PostgreSQL (as in CI)",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_attempts_are_counted_exactly(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login_ip": (5, 900)}
    allowed, refused = [], []
    barrier = threading.Barrier(12)

    def attempt():
        from django.db import connection as own

        barrier.wait()
        try:
            ratelimit.hit("login_ip", "203.0.113.9")
            allowed.append(1)
        except RateLimited:
            refused.append(1)
        finally:
            own.close()

    threads = [threading.Thread(target=attempt) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert (len(allowed), len(refused)) == (5, 7)
    assert RateCounter.objects.get().count == 12


def test_a_bad_token_never_falls_back_to_the_session_cookie(alice, alice_client):
    response = alice_client.get("/api/v1/me", headers={"Authorization": "Bearer ens_revoked"})
    assert response.status_code == 401
    assert alice_client.get("/api/v1/me").status_code == 200  # the session alone works


def test_token_use_is_recorded_at_most_once_a_minute(alice, client):
    from datetime import timedelta

    from django.utils import timezone

    from ensemble.accounts.models import AccessToken

    created = services.create_access_token(alice, "script")
    headers = {"Authorization": f"Bearer {created.secret}"}
    recent = timezone.now() - timedelta(seconds=30)
    AccessToken.objects.filter(pk=created.token.pk).update(last_used_at=recent)
    client.get("/api/v1/me", headers=headers)
    assert AccessToken.objects.get(pk=created.token.pk).last_used_at == recent
    stale = timezone.now() - timedelta(seconds=61)
    AccessToken.objects.filter(pk=created.token.pk).update(last_used_at=stale)
    client.get("/api/v1/me", headers=headers)
    assert AccessToken.objects.get(pk=created.token.pk).last_used_at > stale


def test_a_password_change_leaves_other_members_tokens_alone(alice, bob):
    services.create_access_token(alice, "alice's")
    services.create_access_token(bob, "bob's")
    services.password_was_changed(alice)
    assert not alice.access_tokens.active().exists()
    assert bob.access_tokens.active().count() == 1


def test_unverified_members_get_no_token_from_the_api(client, db):
    from ensemble.accounts.testing import make_user

    dana = make_user("dana", verified=False)
    response = client.post(
        TOKENS_API,
        json.dumps({"username": "dana", "password": PASSWORD}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "Verify your email address" in response.json()["detail"]
    assert not dana.access_tokens.exists()


def test_members_without_a_usable_password_get_no_reset_email(alice, client, tasks):
    alice.set_unusable_password()
    alice.save()
    response = client.post(reverse("accounts:password_reset"), {"email": "alice@example.org"})
    assert response.status_code == 302
    tasks()
    assert mail.outbox == []


def test_natural_keys_ignore_case(alice):
    from ensemble.accounts.models import User

    assert User.objects.get_by_natural_key("ALICE") == alice
