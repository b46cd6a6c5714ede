"""The API's front door: exchange a password for a token, authenticate.

Every refused request answers JSON `{"detail", "code"}` (plus `errors` for fields) and
leaves the database as it was.
"""

import pytest
from django.core import mail
from django.test import Client

from ensemble.accounts.models import AccessToken, User
from ensemble.accounts.services import create_access_token, revoke_access_token
from ensemble.accounts.testing import PASSWORD, make_user
from ensemble.accounts.tests.api_helpers import assert_error, bearer, field_names, post_json
from ensemble.notifications.models import Notification

TOKENS = "/api/v1/auth/tokens"
ME = "/api/v1/me"


@pytest.fixture
def alice_token(alice):
    return create_access_token(alice, "laptop").secret


# Tokens


@pytest.mark.django_db
@pytest.mark.parametrize("login", ["alice", "ALICE", "alice@example.org", "Alice@Example.org"])
def test_username_or_email_and_password_give_a_token_that_works_as_bearer(client, alice, login):
    response = post_json(client, TOKENS, {"username": login, "password": PASSWORD})

    assert response.status_code == 201
    body = response.json()
    assert body["token"].startswith("ens_")
    assert body["name"] == "API"
    me = Client().get(ME, headers=bearer(body["token"]))
    assert me.status_code == 200
    assert me.json()["username"] == "alice"


@pytest.mark.django_db
def test_token_is_named_and_only_its_digest_is_stored(client, alice):
    response = post_json(
        client, TOKENS, {"username": "alice", "password": PASSWORD, "name": "import script"}
    )

    secret = response.json()["token"]
    token = AccessToken.objects.get(user=alice)
    assert token.name == "import script"
    assert token.digest == AccessToken.digest_of(secret)
    assert secret not in (token.digest, token.hint)


@pytest.mark.django_db
def test_new_token_notifies_the_member_in_app_and_by_email(client, alice, tasks):
    post_json(client, TOKENS, {"username": "alice", "password": PASSWORD, "name": "laptop"})

    token = AccessToken.objects.get(user=alice)
    notification = Notification.objects.get(recipient=alice)
    assert notification.kind == "token_created"
    assert notification.about == token
    assert "“laptop”" in notification.text
    tasks()
    [message] = [m for m in mail.outbox if m.to == ["alice@example.org"]]
    assert "laptop" in message.subject


@pytest.mark.django_db
@pytest.mark.parametrize(
    "credentials",
    [
        pytest.param({"username": "alice", "password": "wrong password"}, id="wrong-password"),
        pytest.param({"username": "nobody", "password": PASSWORD}, id="unknown-user"),
        pytest.param({"username": "nobody@example.org", "password": PASSWORD}, id="unknown-email"),
        pytest.param({"username": "alice", "password": ""}, id="empty-password"),
    ],
)
def test_bad_credentials_are_a_401_and_create_no_token(client, alice, credentials):
    response = post_json(client, TOKENS, credentials)

    assert_error(response, 401, "bad_credentials")
    assert not AccessToken.objects.exists()
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_inactive_member_gets_no_token_even_with_the_right_password(client):
    make_user("gone", is_active=False)

    response = post_json(client, TOKENS, {"username": "gone", "password": PASSWORD})

    assert_error(response, 401, "bad_credentials")
    assert not AccessToken.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "field"),
    [
        pytest.param("   ", None, id="blank"),
        pytest.param("n" * 81, "name", id="too-long"),
        pytest.param("line one\nline two", "name", id="newline"),
        pytest.param("tab\there", "name", id="control-character"),
    ],
)
def test_bad_token_name_is_refused_and_nothing_is_created(client, alice, name, field):
    response = post_json(client, TOKENS, {"username": "alice", "password": PASSWORD, "name": name})

    body = assert_error(response, 422, "invalid")
    assert field in field_names(body)
    assert not AccessToken.objects.exists()
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_token_requests_are_throttled_after_failures_even_with_the_right_password(
    client, alice, settings
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login_account": (3, 900)}
    # By username and by email: both count against the one account.
    for login in ["alice", "ALICE", "alice@example.org"]:
        failed = post_json(client, TOKENS, {"username": login, "password": "wrong password"})
        assert failed.status_code == 401

    response = post_json(client, TOKENS, {"username": "alice", "password": PASSWORD})

    assert_error(response, 429, "rate_limited")
    assert 0 < int(response["Retry-After"]) <= 900
    assert not AccessToken.objects.exists()


@pytest.mark.django_db
def test_token_requests_from_one_address_are_throttled_across_accounts(client, alice, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login_ip": (2, 900)}
    for login in ["nobody1", "nobody2"]:
        post_json(client, TOKENS, {"username": login, "password": "wrong password"})

    response = post_json(client, TOKENS, {"username": "alice", "password": PASSWORD})

    assert_error(response, 429, "rate_limited")
    assert not AccessToken.objects.exists()


@pytest.mark.django_db
def test_successful_token_requests_do_not_count_towards_the_throttle(client, alice, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login_account": (2, 900)}

    statuses = [
        post_json(client, TOKENS, {"username": "alice", "password": PASSWORD}).status_code
        for _ in range(3)
    ]

    assert statuses == [201, 201, 201]


# Authentication


@pytest.mark.django_db
def test_me_without_credentials_is_a_401_json(client):
    response = client.get(ME)

    body = assert_error(response, 401, "not_authenticated")
    assert "Bearer" in body["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "authorization",
    [
        pytest.param("Bearer ens_not-a-real-token", id="unknown-token"),
        pytest.param("Bearer not-even-our-prefix", id="foreign-token"),
        pytest.param("Bearer ens_" + "x" * 200, id="oversized-token"),
        pytest.param("Bearer ", id="empty-token"),
        pytest.param("Basic YWxpY2U6cGFzc3dvcmQ=", id="basic-auth"),
    ],
)
def test_bad_authorization_header_is_a_401_json(client, alice_token, authorization):
    response = client.get(ME, headers={"Authorization": authorization})

    assert_error(response, 401, "not_authenticated")


@pytest.mark.django_db
def test_revoked_token_is_refused(client, alice):
    created = create_access_token(alice, "old laptop")
    revoke_access_token(alice, created.token.pk)

    response = client.get(ME, headers=bearer(created.secret))

    assert_error(response, 401, "not_authenticated")


@pytest.mark.django_db
def test_token_of_a_deactivated_member_is_refused(client, alice, alice_token):
    User.objects.filter(pk=alice.pk).update(is_active=False)

    response = client.get(ME, headers=bearer(alice_token))

    assert_error(response, 401, "not_authenticated")


@pytest.mark.django_db
def test_bearer_token_authenticates_and_records_when_it_was_used(client, alice, alice_token):
    token = AccessToken.objects.get(user=alice)
    assert token.last_used_at is None

    response = client.get(ME, headers=bearer(alice_token))

    assert response.status_code == 200
    assert response.json()["email"] == "alice@example.org"
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.django_db
def test_session_authenticates_api_reads(alice_client):
    response = alice_client.get(ME)

    assert response.status_code == 200
    assert response.json()["username"] == "alice"


@pytest.fixture
def csrf_client(alice):
    """Alice's browser, with CSRF enforced as in production."""
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    return browser


@pytest.mark.django_db
def test_session_write_without_csrf_token_is_a_403_and_changes_nothing(csrf_client, alice):
    response = csrf_client.patch(ME, {"bio": "hacked"}, content_type="application/json")

    assert_error(response, 403, "csrf_failed")
    alice.refresh_from_db()
    assert alice.bio == ""


@pytest.mark.django_db
def test_session_write_with_the_csrf_token_from_the_page_succeeds(csrf_client, alice):
    csrf_client.get("/notifications/")  # any page sets the CSRF cookie
    csrf_token = csrf_client.cookies["csrftoken"].value

    response = csrf_client.patch(
        ME, {"bio": "Hello."}, content_type="application/json", headers={"X-CSRFToken": csrf_token}
    )

    assert response.status_code == 200
    alice.refresh_from_db()
    assert alice.bio == "Hello."


@pytest.mark.django_db
def test_session_write_with_a_wrong_csrf_token_is_refused(csrf_client, alice):
    csrf_client.get("/notifications/")

    response = csrf_client.patch(
        ME, {"bio": "hacked"}, content_type="application/json", headers={"X-CSRFToken": "x" * 64}
    )

    assert_error(response, 403, "csrf_failed")
    alice.refresh_from_db()
    assert alice.bio == ""


@pytest.mark.django_db
def test_bearer_writes_need_no_csrf_token(alice, alice_token):
    script = Client(enforce_csrf_checks=True)

    response = script.patch(
        ME, {"bio": "From a script."}, content_type="application/json", headers=bearer(alice_token)
    )

    assert response.status_code == 200
    alice.refresh_from_db()
    assert alice.bio == "From a script."


@pytest.mark.django_db
def test_bearer_token_wins_over_a_session_of_someone_else(bob, alice_token):
    bobs_browser = Client()
    bobs_browser.force_login(bob)

    response = bobs_browser.get(ME, headers=bearer(alice_token))

    assert response.json()["username"] == "alice"
