"""Signing in and out: by username or email, safe redirects, throttles per account and per IP."""

import re

import pytest
from django.urls import reverse
from django.views.debug import SafeExceptionReporterFilter

from ensemble.accounts.testing import PASSWORD, make_user

LOGIN = reverse("accounts:login")
LOGOUT = reverse("accounts:logout")
WRONG_ERROR = "Please enter a correct username and password."


def signed_in_user(client):
    """Who the client's session belongs to, as the next request sees it."""
    return client.get(reverse("home")).wsgi_request.user


@pytest.mark.parametrize("login", ["alice", "alice@example.org", "ALICE", "Alice@Example.ORG"])
def test_sign_in_by_username_or_email_in_any_case(client, alice, login):
    response = client.post(LOGIN, {"username": login, "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert signed_in_user(client) == alice


def test_long_email_address_can_be_typed_and_used_to_sign_in(client, db):
    email = "dana.longname.for.testing@university.example.edu"
    dana = make_user("dana", email=email)
    page = client.get(LOGIN).content.decode()
    field = re.search(r'<input[^>]*name="username"[^>]*>', page).group(0)
    assert 'maxlength="254"' in field

    response = client.post(LOGIN, {"username": email, "password": PASSWORD})

    assert response.status_code == 302
    assert signed_in_user(client) == dana


def test_wrong_password_shows_an_error_and_does_not_sign_in(client, alice):
    response = client.post(LOGIN, {"username": "alice", "password": "not the password"})

    assert response.status_code == 200
    assert WRONG_ERROR in response.content.decode()
    assert not signed_in_user(client).is_authenticated


def test_unknown_account_gets_the_same_error_as_a_wrong_password(client, db):
    response = client.post(LOGIN, {"username": "nobody", "password": PASSWORD})

    assert response.status_code == 200
    assert WRONG_ERROR in response.content.decode()
    assert not signed_in_user(client).is_authenticated


def test_deactivated_member_cannot_sign_in(client, alice):
    alice.is_active = False
    alice.save()

    response = client.post(LOGIN, {"username": "alice", "password": PASSWORD})

    assert response.status_code == 200
    assert WRONG_ERROR in response.content.decode()
    assert not signed_in_user(client).is_authenticated


def test_login_keeps_the_password_out_of_error_reports(client, alice):
    response = client.post(LOGIN, {"username": "alice", "password": "not the password"})

    cleansed = SafeExceptionReporterFilter().get_post_parameters(response.wsgi_request)
    assert cleansed["password"] != "not the password"
    assert cleansed["username"] == "alice"


def test_login_page_is_never_cached(client, db):
    response = client.get(LOGIN)
    assert "no-store" in response["Cache-Control"]


def test_next_on_this_site_is_honoured(client, alice):
    response = client.post(
        LOGIN, {"username": "alice", "password": PASSWORD, "next": "/settings/tokens/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/settings/tokens/"


def test_page_behind_login_is_reached_after_signing_in(client, alice):
    bounce = client.get(reverse("accounts:tokens"))
    assert bounce.status_code == 302
    login_page = client.get(bounce["Location"])
    assert 'name="next" value="/settings/tokens/"' in login_page.content.decode()

    response = client.post(
        bounce["Location"], {"username": "alice", "password": PASSWORD, "next": "/settings/tokens/"}
    )

    assert response["Location"] == "/settings/tokens/"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/steal",
        "//evil.example/steal",
        "http://testserver.evil.example/",
        "javascript:alert(1)",
        "/\\evil.example",
    ],
)
def test_next_to_another_site_is_ignored(client, alice, target):
    response = client.post(LOGIN, {"username": "alice", "password": PASSWORD, "next": target})

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert signed_in_user(client) == alice


def test_an_account_over_its_limit_refuses_failing_addresses_but_not_the_owner(
    client, alice, bob, settings
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login_account": (3, 900)}
    for _ in range(3):
        client.post(LOGIN, {"username": "alice", "password": "guess"}, REMOTE_ADDR="10.0.0.1")

    right = client.post(LOGIN, {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1")

    assert right.status_code == 429
    assert "Too many attempts. Please wait" in right.content.decode()
    assert 0 < int(right["Retry-After"]) <= 900
    assert not signed_in_user(client).is_authenticated
    # The owner, from an address that has not been failing, gets in (issue 15).
    by_email_elsewhere = client.post(
        LOGIN, {"username": "alice@example.org", "password": PASSWORD}, REMOTE_ADDR="10.0.0.2"
    )
    assert by_email_elsewhere.status_code == 302
    assert signed_in_user(client) == alice
    client.post(LOGOUT)
    # Another member, from another address, is not affected.
    other = client.post(LOGIN, {"username": "bob", "password": PASSWORD}, REMOTE_ADDR="10.0.0.3")
    assert other.status_code == 302
    assert signed_in_user(client) == bob


def test_address_is_throttled_after_repeated_failures_across_accounts(
    client, alice, bob, carol, settings
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login_ip": (3, 900)}
    for name in ["alice", "bob", "nobody"]:
        client.post(LOGIN, {"username": name, "password": "guess"}, REMOTE_ADDR="10.0.0.9")

    same_address = client.post(
        LOGIN, {"username": "carol", "password": PASSWORD}, REMOTE_ADDR="10.0.0.9"
    )

    assert same_address.status_code == 429
    assert "Retry-After" in same_address
    assert not signed_in_user(client).is_authenticated
    other_address = client.post(
        LOGIN, {"username": "carol", "password": PASSWORD}, REMOTE_ADDR="10.0.0.10"
    )
    assert other_address.status_code == 302
    assert signed_in_user(client) == carol


def test_successful_sign_ins_do_not_count_towards_the_throttle(client, alice, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login_account": (2, 900)}
    for _ in range(3):
        response = client.post(LOGIN, {"username": "alice", "password": PASSWORD})
        assert response.status_code == 302
        client.post(LOGOUT)


def test_logout_by_get_is_refused_and_keeps_the_session(alice_client, alice):
    response = alice_client.get(LOGOUT)

    assert response.status_code == 405
    assert signed_in_user(alice_client) == alice


def test_logout_by_post_signs_out(alice_client):
    response = alice_client.post(LOGOUT)

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert not signed_in_user(alice_client).is_authenticated
