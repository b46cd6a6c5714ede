"""The API tokens page: create (secret shown once), list your own, revoke your own."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from ensemble.accounts import services
from ensemble.accounts.models import AccessToken
from ensemble.notifications.models import Notification

TOKENS = reverse("accounts:tokens")


def revoke_url(token):
    return reverse("accounts:revoke_token", args=[token.pk])


def shown_secret(response):
    match = re.search(
        r'<p class="secret" id="new-token">(ens_[\w-]+)</p>', response.content.decode()
    )
    assert match, "no new token on the page"
    return match.group(1)


def test_tokens_page_needs_a_signed_in_member(client, db):
    response = client.get(TOKENS)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_anonymous_cannot_create_a_token(client, db):
    client.post(TOKENS, {"name": "sneaky"})
    assert not AccessToken.objects.exists()


def test_created_token_secret_is_shown_once_and_only_its_digest_is_stored(alice_client, alice):
    response = alice_client.post(TOKENS, {"name": "import script"})

    assert response.status_code == 200
    secret = shown_secret(response)
    token = AccessToken.objects.get(user=alice)
    assert token.name == "import script"
    assert token.digest == AccessToken.digest_of(secret)
    assert secret not in {token.digest, token.hint}
    assert secret.startswith(token.hint)
    assert "no-store" in response["Cache-Control"]

    again = alice_client.get(TOKENS).content.decode()
    assert secret not in again
    assert f"<code>{token.hint}…</code>" in again
    assert "import script" in again


def test_created_token_authenticates_the_member(alice_client, alice):
    secret = shown_secret(alice_client.post(TOKENS, {"name": "cli"}))
    assert services.user_for_token(secret) == alice


def test_creating_a_token_notifies_and_queues_an_email(alice_client, alice, tasks):
    alice_client.post(TOKENS, {"name": "laptop"})

    token = AccessToken.objects.get(user=alice)
    notification = Notification.objects.get(recipient=alice)
    assert notification.kind == "token_created"
    assert notification.about == token
    tasks()
    (message,) = mail.outbox
    assert message.to == ["alice@example.org"]
    assert "laptop" in message.subject
    assert "http://testserver/settings/tokens/" in message.body


@pytest.mark.parametrize("name", ["", "   "])
def test_token_without_a_name_is_refused(alice_client, alice, name):
    response = alice_client.post(TOKENS, {"name": name})

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert 'id="new-token"' not in response.content.decode()
    assert not AccessToken.objects.exists()
    assert not Notification.objects.exists()


def test_too_long_token_name_is_refused(alice_client, alice):
    response = alice_client.post(TOKENS, {"name": "x" * 81})

    assert "at most 80 characters" in response.content.decode()
    assert not AccessToken.objects.exists()


def test_fifty_first_active_token_is_refused(alice_client, alice, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "token_create": (100, 3600)}
    for n in range(50):
        services.create_access_token(alice, f"script {n}")

    response = alice_client.post(TOKENS, {"name": "one too many"})

    assert "You have 50 active tokens" in response.content.decode()
    assert alice.access_tokens.count() == 50
    assert not alice.access_tokens.filter(name="one too many").exists()


def test_list_shows_only_your_own_tokens(alice_client, alice, carol):
    services.create_access_token(alice, "alice script")
    services.create_access_token(carol, "carol secret project")

    page = alice_client.get(TOKENS).content.decode()

    assert "alice script" in page
    assert "carol secret project" not in page


def test_revoking_your_token_stops_it_working(alice_client, alice):
    created = services.create_access_token(alice, "old")

    response = alice_client.post(revoke_url(created.token))

    assert response.status_code == 302
    assert response["Location"] == TOKENS
    created.token.refresh_from_db()
    assert created.token.revoked_at is not None
    assert services.user_for_token(created.secret) is None
    page = alice_client.get(TOKENS).content.decode()
    assert "The token “old” is revoked." in page
    assert '<span class="muted">revoked</span>' in page


def test_revoke_is_post_only(alice_client, alice):
    created = services.create_access_token(alice, "keep")

    response = alice_client.get(revoke_url(created.token))

    assert response.status_code == 405
    created.token.refresh_from_db()
    assert created.token.is_active


def test_anonymous_cannot_revoke(client, alice):
    created = services.create_access_token(alice, "keep")

    response = client.post(revoke_url(created.token))

    assert response.status_code == 302
    created.token.refresh_from_db()
    assert created.token.is_active


def test_revoking_someone_elses_token_is_404(client, alice, carol):
    created = services.create_access_token(alice, "alice's")
    client.force_login(carol)

    response = client.post(revoke_url(created.token))

    assert response.status_code == 404
    created.token.refresh_from_db()
    assert created.token.is_active
    assert services.user_for_token(created.secret) == alice


def test_revoking_a_missing_token_is_404(alice_client, db):
    assert alice_client.post(reverse("accounts:revoke_token", args=[987654])).status_code == 404


def test_token_names_with_line_breaks_are_refused(alice_client, alice):
    response = alice_client.post(reverse("accounts:tokens"), {"name": "evil\nSubject: hi"})
    assert response.status_code == 200
    assert "line breaks" in response.content.decode()
    assert not alice.access_tokens.exists()


def test_token_creation_is_throttled(alice_client, alice, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "token_create": (2, 3600)}
    for n in range(2):
        alice_client.post(TOKENS, {"name": f"t{n}"})
    response = alice_client.post(TOKENS, {"name": "one more"})
    assert response.status_code == 429
    assert alice.access_tokens.count() == 2


def test_unverified_members_cannot_create_tokens(client, db):
    from ensemble.accounts.testing import make_user

    dana = make_user("dana", verified=False)
    client.force_login(dana)
    response = client.post(TOKENS, {"name": "early"})
    assert "Verify your email address" in response.content.decode()
    assert not dana.access_tokens.exists()
