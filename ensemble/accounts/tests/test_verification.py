"""Verifying an email address: the emailed link, its failures, resending, the banner."""

import re
import time

from django.core import mail
from django.urls import reverse

from ensemble.accounts import services
from ensemble.accounts.models import User
from ensemble.accounts.testing import make_user
from ensemble.accounts.tokens import MAX_AGE, make_verification_token
from ensemble.notifications.models import Notification

RESEND = reverse("accounts:resend_verification")
BANNER = "Please verify your email address"


def link_in(message):
    """The path of the verification link in an email."""
    match = re.search(r"http://testserver(/accounts/verify/\S+/)", message.body)
    assert match, message.body
    return match.group(1)


def signed_up_dana(client, tasks):
    """Sign up through the page, as a newcomer would; return dana and her emailed link."""
    client.post(
        reverse("accounts:signup"),
        {"username": "dana", "email": "dana@example.org", "password": "violet lantern 42"},
    )
    tasks()
    (message,) = mail.outbox
    return User.objects.get(username="dana"), link_in(message)


def test_link_from_the_email_verifies_the_address_and_welcomes(client, tasks):
    dana, link = signed_up_dana(client, tasks)

    response = client.get(link)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:edit_profile")
    dana.refresh_from_db()
    assert dana.email_verified
    assert list(Notification.objects.filter(recipient=dana).values_list("kind", flat=True)) == [
        "welcome"
    ]
    page = client.get(response["Location"]).content.decode()
    assert "Your email address is verified" in page
    assert BANNER not in page


def test_link_works_when_opened_signed_out(client, tasks):
    dana, link = signed_up_dana(client, tasks)
    client.logout()

    response = client.get(link)

    assert response["Location"] == reverse("accounts:login")
    dana.refresh_from_db()
    assert dana.email_verified


def test_second_use_of_a_link_says_already_verified(client, tasks):
    dana, link = signed_up_dana(client, tasks)
    client.get(link)
    dana.refresh_from_db()
    first_verified_at = dana.email_verified_at

    response = client.get(link, follow=True)

    assert "Your email address was already verified." in response.content.decode()
    dana.refresh_from_db()
    assert dana.email_verified_at == first_verified_at
    assert Notification.objects.filter(recipient=dana, kind="welcome").count() == 1


def test_two_racing_clicks_on_one_link_welcome_once(client, tasks):
    dana, link = signed_up_dana(client, tasks)
    # The second request loaded dana before the first one saved her as verified.
    second_request_copy = User.objects.get(pk=dana.pk)
    client.get(link)

    assert services.mark_email_verified(second_request_copy) is False
    assert second_request_copy.email_verified
    assert Notification.objects.filter(recipient=dana, kind="welcome").count() == 1


def test_tampered_link_is_refused_with_the_reason(client, tasks):
    dana, link = signed_up_dana(client, tasks)
    tampered = link[:-3] + ("A" if link[-3] != "A" else "B") + link[-2:]

    response = client.get(tampered)

    assert response.status_code == 400
    assert "This verification link is not valid." in response.content.decode()
    dana.refresh_from_db()
    assert not dana.email_verified
    assert not Notification.objects.filter(recipient=dana).exists()


def test_expired_link_is_refused_as_expired(client, db, monkeypatch):
    dana = make_user("dana", verified=False)
    sent_at = time.time() - MAX_AGE - 60
    with monkeypatch.context() as past:
        past.setattr(time, "time", lambda: sent_at)
        token = make_verification_token(dana)

    response = client.get(reverse("accounts:verify_email", args=[token]))

    assert response.status_code == 400
    assert "This verification link has expired." in response.content.decode()
    dana.refresh_from_db()
    assert not dana.email_verified


def test_link_still_works_just_before_it_expires(client, db, monkeypatch):
    dana = make_user("dana", verified=False)
    sent_at = time.time() - MAX_AGE + 60
    with monkeypatch.context() as past:
        past.setattr(time, "time", lambda: sent_at)
        token = make_verification_token(dana)

    client.get(reverse("accounts:verify_email", args=[token]))

    dana.refresh_from_db()
    assert dana.email_verified


def test_link_for_a_previous_address_is_refused_after_the_address_changed(client, tasks):
    dana, link = signed_up_dana(client, tasks)
    dana.email = "dana@elsewhere.example"
    dana.save()

    response = client.get(link)

    assert response.status_code == 400
    assert "not valid for any account" in response.content.decode()
    dana.refresh_from_db()
    assert not dana.email_verified


def test_link_for_a_deactivated_account_is_refused(client, tasks):
    dana, link = signed_up_dana(client, tasks)
    User.objects.filter(pk=dana.pk).update(is_active=False)

    response = client.get(link)

    assert response.status_code == 400
    dana.refresh_from_db()
    assert not dana.email_verified


def test_failed_link_page_offers_a_new_link_to_the_signed_in_member(client, db):
    dana = make_user("dana", verified=False)
    client.force_login(dana)

    response = client.get(reverse("accounts:verify_email", args=["garbage"]))

    assert response.status_code == 400
    assert "Send me a new link" in response.content.decode()


def test_resend_sends_a_new_working_link(client, db, tasks):
    dana = make_user("dana", verified=False)
    client.force_login(dana)

    response = client.post(RESEND, {"next": "/@dana/"})

    assert response.status_code == 302
    assert response["Location"] == "/@dana/"
    tasks()
    (message,) = mail.outbox
    assert message.to == ["dana@example.org"]
    client.get(link_in(message))
    dana.refresh_from_db()
    assert dana.email_verified


def test_resend_is_post_only(client, db, tasks):
    dana = make_user("dana", verified=False)
    client.force_login(dana)

    response = client.get(RESEND)

    assert response.status_code == 405
    tasks()
    assert mail.outbox == []


def test_resend_needs_a_signed_in_member(client, db, tasks):
    response = client.post(RESEND)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    tasks()
    assert mail.outbox == []


def test_resend_for_a_verified_member_sends_nothing(alice_client, tasks):
    response = alice_client.post(RESEND, follow=True)

    assert "already verified" in response.content.decode()
    tasks()
    assert mail.outbox == []


def test_resend_is_throttled(client, db, tasks, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "verify_resend": (2, 3600)}
    dana = make_user("dana", verified=False)
    client.force_login(dana)
    for _ in range(2):
        client.post(RESEND)

    response = client.post(RESEND)

    assert response.status_code == 429
    assert "Retry-After" in response
    tasks()
    assert len(mail.outbox) == 2


def test_unverified_banner_shows_for_unverified_members_only(client, alice, db):
    dana = make_user("dana", verified=False)
    client.force_login(dana)
    assert BANNER in client.get("/").content.decode()

    client.force_login(alice)
    assert BANNER not in client.get("/").content.decode()

    client.logout()
    assert BANNER not in client.get("/").content.decode()
