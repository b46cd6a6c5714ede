"""Joining Ensemble from the sign-up page: the happy path, every refusal, the throttle."""

import pytest
from django.core import mail
from django.urls import reverse
from django.views.debug import SafeExceptionReporterFilter

from ensemble.accounts.models import User

SIGNUP = reverse("accounts:signup")
GOOD_PASSWORD = "violet lantern orchard 42"


def signup_data(**overrides):
    return {
        "username": "dana",
        "email": "dana@example.org",
        "password": GOOD_PASSWORD,
        **overrides,
    }


def assert_refused(client, data, field, message):
    """Post the form; it must come back with `message` on `field` and no new account."""
    before = User.objects.count()
    response = client.post(SIGNUP, data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert any(message in error for error in errors[field]), errors[field]
    assert message in response.content.decode()
    assert User.objects.count() == before
    assert not response.wsgi_request.user.is_authenticated
    return response


def test_sign_up_creates_the_account_and_asks_to_open_the_emailed_link(client, db):
    response = client.post(SIGNUP, signup_data())

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:signup_sent")
    dana = User.objects.get(username="dana")
    assert dana.email == "dana@example.org"
    assert dana.check_password(GOOD_PASSWORD)
    assert not dana.email_verified
    follow = client.get(response["Location"])
    assert "We sent a message to <strong>dana@example.org</strong>" in follow.content.decode()
    # Signed in by the link, once it proves the address (test_verification.py).
    assert not follow.wsgi_request.user.is_authenticated


def test_sign_up_queues_exactly_one_verification_email(client, tasks):
    client.post(SIGNUP, signup_data())
    # Queued for after the commit, not sent inside the request.
    assert mail.outbox == []

    tasks()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["dana@example.org"]
    assert "Verify your email address" in message.subject
    assert "http://testserver/accounts/verify/" in message.body


def test_signed_in_member_visiting_sign_up_is_sent_home(alice_client):
    response = alice_client.get(SIGNUP)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_sign_up_keeps_the_password_out_of_error_reports(client, db):
    response = client.post(SIGNUP, signup_data())

    cleansed = SafeExceptionReporterFilter().get_post_parameters(response.wsgi_request)
    assert cleansed["password"] != GOOD_PASSWORD
    assert cleansed["username"] == "dana"


def test_taken_username_is_refused_case_insensitively(client, alice):
    assert_refused(client, signup_data(username="Alice"), "username", "This username is taken.")


@pytest.mark.parametrize("username", ["admin", "Admin", "support", "api"])
def test_reserved_username_is_refused(client, db, username):
    assert_refused(client, signup_data(username=username), "username", "This username is reserved.")


@pytest.mark.parametrize(
    "username",
    [
        pytest.param("da na", id="space"),
        pytest.param("dana!", id="punctuation"),
        pytest.param("dana-k", id="hyphen"),
        pytest.param("däna", id="non-ascii"),
        pytest.param("da", id="too-short"),
        pytest.param("d" * 31, id="too-long"),
    ],
)
def test_malformed_username_is_refused(client, db, username):
    assert_refused(client, signup_data(username=username), "username", "Use 3–30 letters")


@pytest.mark.parametrize("email", ["dana", "dana@", "@example.org", "dana@example..org"])
def test_invalid_email_is_refused(client, db, email):
    assert_refused(client, signup_data(email=email), "email", "Enter a valid email address.")


def test_email_longer_than_the_database_allows_is_refused(client, db):
    assert_refused(
        client,
        signup_data(email="d" * 60 + "@" + "x" * 200 + ".example.org"),
        "email",
        "at most 254 characters",
    )


@pytest.mark.parametrize(
    ("password", "message"),
    [
        pytest.param("short1", "This password is too short.", id="short"),
        pytest.param("password123", "This password is too common.", id="common"),
        pytest.param("4815162342108", "This password is entirely numeric.", id="numeric"),
        pytest.param("", "This field is required.", id="empty"),
    ],
)
def test_weak_password_is_refused(client, db, password, message):
    assert_refused(client, signup_data(password=password), "password", message)


def test_password_similar_to_the_username_is_refused(client, db):
    assert_refused(
        client,
        signup_data(username="melodymaker", password="melodymaker7"),
        "password",
        "The password is too similar to the username.",
    )


def test_refused_sign_up_sends_no_email(client, alice, tasks):
    client.post(SIGNUP, signup_data(username="alice"))
    tasks()
    assert mail.outbox == []


def test_sign_ups_from_one_address_are_throttled_with_retry_after(client, db, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signup_ip": (2, 3600)}
    for n in range(2):
        client.post(SIGNUP, signup_data(username=f"spam{n}", email=f"spam{n}@example.org"))
        client.logout()
    assert User.objects.count() == 2

    response = client.post(SIGNUP, signup_data(username="spam9", email="spam9@example.org"))

    assert response.status_code == 429
    assert "Too many attempts. Please wait" in response.content.decode()
    assert 0 < int(response["Retry-After"]) <= 3600
    assert User.objects.count() == 2


def test_sign_up_throttle_counts_per_address(client, db, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signup_ip": (1, 3600)}
    client.post(SIGNUP, signup_data(username="spam1", email="spam1@example.org"))
    client.logout()

    response = client.post(SIGNUP, signup_data(), REMOTE_ADDR="192.0.2.77")

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:signup_sent")
    assert User.objects.filter(username="dana").exists()


def test_a_name_taken_between_the_check_and_the_insert_is_a_clear_error(alice):
    from django.core.exceptions import ValidationError

    from ensemble.accounts.models import User
    from ensemble.accounts.services import save_new_user

    twin = User(username="ALICE", email="other@example.org")
    with pytest.raises(ValidationError, match="taken a moment ago"):
        save_new_user(twin)
    assert User.objects.filter(username__iexact="alice").count() == 1


def test_surrounding_whitespace_never_reaches_a_username(client, db):
    from ensemble.accounts.models import User

    client.post(SIGNUP, signup_data(username=" dana\n"))
    assert list(User.objects.values_list("username", flat=True)) == ["dana"]


def test_the_username_pattern_refuses_a_trailing_newline():
    from django.core.exceptions import ValidationError

    from ensemble.accounts.models import User

    field = User._meta.get_field("username")
    with pytest.raises(ValidationError):
        field.run_validators("dana\n")
