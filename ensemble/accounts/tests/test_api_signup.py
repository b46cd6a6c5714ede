"""The API's sign-up: an account, a verification email, and every bad input refused.

Every refused request answers JSON `{"detail", "code"}` (plus `errors` for fields) and
leaves the database as it was.
"""

import pytest
from django.core import mail

from ensemble.accounts.models import User
from ensemble.accounts.tests.api_helpers import assert_error, field_names, post_json

SIGNUP = "/api/v1/auth/signup"
GOOD_PASSWORD = "a long and unusual pass phrase"


def signup_data(**overrides):
    return {"username": "dave", "email": "dave@example.org", "password": GOOD_PASSWORD} | overrides


@pytest.mark.django_db
def test_signup_creates_the_account_and_answers_202_pointing_to_the_email(client):
    response = post_json(client, SIGNUP, signup_data())

    assert response.status_code == 202
    assert response.json() == {
        "detail": "We sent a message to dave@example.org: open the link in it to continue."
    }
    user = User.objects.get(username="dave")
    assert user.check_password(GOOD_PASSWORD)
    assert not user.email_verified


@pytest.mark.django_db
def test_signup_queues_exactly_one_verification_email(client, tasks):
    post_json(client, SIGNUP, signup_data())

    assert mail.outbox == []  # queued for the worker, not sent during the request
    tasks()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["dave@example.org"]
    assert "http://testserver/accounts/verify/" in message.body


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        pytest.param({"username": "alice"}, "username", id="username-taken"),
        pytest.param({"username": "ALICE"}, "username", id="username-taken-other-case"),
        pytest.param({"username": "admin"}, "username", id="username-reserved"),
        pytest.param({"password": "short1"}, "password", id="password-too-short"),
        pytest.param({"password": "password123"}, "password", id="password-common"),
        pytest.param({"password": "8675309123456"}, "password", id="password-numeric"),
        pytest.param({"password": "dave@example.org"}, "password", id="password-like-email"),
        pytest.param({"username": "ab"}, "username", id="username-too-short"),
        pytest.param({"username": "dave smith"}, "username", id="username-with-space"),
        pytest.param({"username": "dave-smith"}, "username", id="username-with-dash"),
        pytest.param({"username": "dävé"}, "username", id="username-non-ascii"),
        pytest.param({"username": "dave\n"}, "username", id="username-trailing-newline"),
        pytest.param({"email": "not-an-email"}, "email", id="email-invalid"),
        pytest.param({"username": "d" * 31}, "username", id="username-oversized"),
        pytest.param({"email": "d" * 250 + "@example.org"}, "email", id="email-oversized"),
        pytest.param({"password": "p" * 4097}, "password", id="password-oversized"),
        pytest.param({"username": 42}, "username", id="username-wrong-type"),
        pytest.param({"email": ["dave@example.org"]}, "email", id="email-wrong-type"),
        pytest.param({"password": None}, "password", id="password-null"),
    ],
)
def test_bad_signup_is_refused_with_the_field_named_and_nothing_saved(
    client, alice, tasks, overrides, field
):
    users_before = User.objects.count()

    response = post_json(client, SIGNUP, signup_data(**overrides))

    body = assert_error(response, 422, "invalid")
    assert field in field_names(body)
    assert User.objects.count() == users_before
    tasks()
    assert mail.outbox == []


@pytest.mark.django_db
def test_signup_with_missing_fields_names_each_of_them(client):
    response = post_json(client, SIGNUP, {"username": "dave"})

    body = assert_error(response, 422, "invalid")
    assert field_names(body) == {"email", "password"}
    assert not User.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("body", ["", "[]", '"dave"', "42"])
def test_signup_body_that_is_not_a_json_object_is_refused(client, body):
    response = post_json(client, SIGNUP, body)

    assert_error(response, 422, "invalid")
    assert not User.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body", ['{"username": "dave",', "username=dave&password=x", "{'single': 'quotes'}"]
)
def test_malformed_json_body_is_a_400_malformed_json(client, body):
    response = post_json(client, SIGNUP, body)

    assert_error(response, 400, "malformed_json")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_signups_from_one_address_are_throttled_with_retry_after(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signup_ip": (2, 3600)}
    for n in range(2):
        ok = post_json(client, SIGNUP, signup_data(username=f"dave{n}", email=f"d{n}@example.org"))
        assert ok.status_code == 202

    response = post_json(client, SIGNUP, signup_data(username="dave9", email="d9@example.org"))

    assert_error(response, 429, "rate_limited")
    assert 0 < int(response["Retry-After"]) <= 3600
    assert not User.objects.filter(username="dave9").exists()
    assert User.objects.count() == 2


@pytest.mark.django_db
def test_repeated_signup_attempts_for_one_username_are_throttled(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signup_account": (1, 3600)}
    weak = post_json(client, SIGNUP, signup_data(password="short1"))
    assert weak.status_code == 422

    response = post_json(client, SIGNUP, signup_data(email="other@example.org"))

    assert_error(response, 429, "rate_limited")
    assert "Retry-After" in response
    assert not User.objects.exists()
