"""Nobody who knows a username can lock its owner out (issue 15, item 9).

Guessing stays throttled: per address, per account from one address, and per account
from everywhere. But the right password from an address that has not been failing is
never refused, however many failures came from elsewhere.
"""

import json

from django.urls import reverse

from ensemble.accounts.testing import PASSWORD

LOGIN = reverse("accounts:login")
TOKENS_API = "/api/v1/auth/tokens"


def _sign_in(client, password, ip, login="alice"):
    return client.post(LOGIN, {"username": login, "password": password}, REMOTE_ADDR=ip)


def _signed_in_user(client):
    return client.get(reverse("home")).wsgi_request.user


def test_an_attacker_failing_50_times_from_one_address_does_not_lock_the_owner_out(client, alice):
    answers = [_sign_in(client, "guess", "203.0.113.66").status_code for _ in range(50)]

    assert answers[:8] == [200] * 8  # wrong password, said as such
    assert set(answers[8:]) == {429}  # then this address is throttled
    owner = _sign_in(client, PASSWORD, "198.51.100.7")
    assert owner.status_code == 302
    assert _signed_in_user(client) == alice


def _attack_from_ten_addresses(client):
    """50 failures, the account's limit for an hour, 5 from each of ten addresses."""
    for n in range(10):
        for _ in range(5):
            assert _sign_in(client, "guess", f"203.0.113.{n}").status_code == 200


def test_failures_spread_over_many_addresses_do_not_lock_the_owner_out(client, alice):
    _attack_from_ten_addresses(client)

    owner = _sign_in(client, PASSWORD, "198.51.100.7")

    assert owner.status_code == 302
    assert _signed_in_user(client) == alice


def test_an_account_under_attack_gives_each_address_one_attempt(client, alice):
    _attack_from_ten_addresses(client)

    # An address that failed at this account stays throttled, even with the password.
    failing = _sign_in(client, PASSWORD, "203.0.113.0")
    assert failing.status_code == 429
    assert 0 < int(failing["Retry-After"]) <= 15 * 60
    # A fresh address gets its one attempt; a wrong guess ends it.
    assert _sign_in(client, "guess", "192.0.2.10").status_code == 200
    assert _sign_in(client, "guess", "192.0.2.10").status_code == 429
    assert _sign_in(client, PASSWORD, "192.0.2.10").status_code == 429
    assert not _signed_in_user(client).is_authenticated


def test_the_owner_gets_a_token_from_the_api_while_the_account_is_under_attack(client, alice):
    def token_request(password, ip):
        body = json.dumps({"username": "alice", "password": password})
        return client.post(TOKENS_API, body, content_type="application/json", REMOTE_ADDR=ip)

    for n in range(10):
        for _ in range(5):
            assert token_request("guess", f"203.0.113.{n}").status_code == 401

    assert token_request("guess", "203.0.113.0").status_code == 429
    assert token_request(PASSWORD, "198.51.100.7").status_code == 201
