"""Passwords: reset by emailed link (without telling who has an account) and change."""

import re

from django.core import mail
from django.test import Client
from django.urls import reverse
from django.views.debug import SafeExceptionReporterFilter

from ensemble.accounts.models import User
from ensemble.accounts.testing import PASSWORD
from ensemble.notifications.models import Notification

RESET = reverse("accounts:password_reset")
CHANGE = reverse("accounts:password_change")
LOGIN = reverse("accounts:login")
NEW_PASSWORD = "tangerine quartz meadow 9"


def reset_link(message):
    match = re.search(r"http://testserver(/accounts/password/reset/\S+/\S+/)", message.body)
    assert match, message.body
    return match.group(1)


def can_sign_in(client, login, password):
    response = client.post(LOGIN, {"username": login, "password": password})
    client.logout()
    return response.status_code == 302


def emailed_reset_link(client, tasks, email="alice@example.org"):
    client.post(RESET, {"email": email})
    tasks()
    (message,) = mail.outbox
    mail.outbox.clear()
    return reset_link(message)


def set_new_password(client, link, password=NEW_PASSWORD):
    """Open the link (which moves the token into the session) and submit a new password."""
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"], "the reset link was refused"
    return client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": password, "new_password2": password},
    )


def test_reset_request_for_a_known_address_emails_one_link_through_the_queue(client, alice, tasks):
    response = client.post(RESET, {"email": "Alice@Example.org"})

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []  # queued, not sent inside the request
    tasks()
    (message,) = mail.outbox
    assert message.to == ["alice@example.org"]
    assert message.subject == "Reset your Ensemble password"
    assert "Hello alice" in message.body
    reset_link(message)


def test_reset_request_for_an_unknown_address_looks_the_same_and_sends_nothing(
    client, alice, tasks
):
    known = client.post(RESET, {"email": "alice@example.org"}, follow=True)
    tasks()
    mail.outbox.clear()

    unknown = client.post(RESET, {"email": "nobody@example.org"}, follow=True)

    assert unknown.redirect_chain == known.redirect_chain
    assert unknown.status_code == known.status_code == 200
    assert "If an account uses that address" in unknown.content.decode()
    tasks()
    assert mail.outbox == []


def test_reset_request_for_a_deactivated_account_sends_nothing(client, alice, tasks):
    alice.is_active = False
    alice.save()

    client.post(RESET, {"email": "alice@example.org"})

    tasks()
    assert mail.outbox == []


def test_reset_requests_are_throttled(client, alice, tasks, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "password_reset": (2, 3600)}
    for _ in range(2):
        client.post(RESET, {"email": "alice@example.org"})

    response = client.post(RESET, {"email": "alice@example.org"})

    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert "Retry-After" in response
    tasks()
    assert len(mail.outbox) == 2


def test_reset_link_sets_a_new_password_and_notifies(client, alice, tasks):
    link = emailed_reset_link(client, tasks)

    response = set_new_password(client, link)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_complete")
    assert can_sign_in(client, "alice", NEW_PASSWORD)
    assert not can_sign_in(client, "alice", PASSWORD)
    assert Notification.objects.filter(recipient=alice, kind="password_changed").count() == 1
    tasks()  # password_changed is emailed by default
    assert [m.to for m in mail.outbox] == [["alice@example.org"]]
    assert "Your password was changed" in mail.outbox[0].subject


def test_reset_link_refuses_a_weak_password_and_changes_nothing(client, alice, tasks):
    link = emailed_reset_link(client, tasks)

    response = set_new_password(client, link, password="password")

    assert response.status_code == 200
    assert "This password is too common." in response.content.decode()
    assert can_sign_in(client, "alice", PASSWORD)
    assert not Notification.objects.filter(recipient=alice).exists()


def test_used_reset_link_is_refused(client, alice, tasks):
    link = emailed_reset_link(client, tasks)
    set_new_password(client, link)

    again = client.get(link, follow=True)

    assert again.context["validlink"] is False
    assert "This link does not work" in again.content.decode()
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)


def test_tampered_reset_link_is_refused(client, alice, tasks):
    link = emailed_reset_link(client, tasks)
    tampered = link[:-3] + ("0" if link[-3] != "0" else "1") + link[-2:]

    response = client.get(tampered, follow=True)

    assert response.context["validlink"] is False
    assert "This link does not work" in response.content.decode()


def test_password_change_needs_a_signed_in_member(client, db):
    response = client.get(CHANGE)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_password_change_with_a_wrong_old_password_is_refused(alice_client, alice):
    response = alice_client.post(
        CHANGE,
        {"old_password": "not it", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 200
    assert "Your old password was entered incorrectly" in response.content.decode()
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)
    assert not Notification.objects.filter(recipient=alice).exists()


def test_password_change_with_mismatched_new_passwords_is_refused(alice_client, alice):
    response = alice_client.post(
        CHANGE,
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": "other one 77"},
    )

    assert response.status_code == 200
    assert "The two password fields didn’t match." in response.content.decode()
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_password_change_keeps_the_member_signed_in_and_notifies(alice_client, alice, tasks):
    response = alice_client.post(
        CHANGE,
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:edit_profile")
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)
    # Still signed in: the session survived the new password hash.
    assert alice_client.get(reverse("accounts:edit_profile")).status_code == 200
    assert Notification.objects.filter(recipient=alice, kind="password_changed").count() == 1
    tasks()
    assert [m.to for m in mail.outbox] == [["alice@example.org"]]


def test_password_change_keeps_passwords_out_of_error_reports(alice_client):
    response = alice_client.post(
        CHANGE,
        {"old_password": "not it", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    cleansed = SafeExceptionReporterFilter().get_post_parameters(response.wsgi_request)
    assert cleansed["old_password"] != "not it"
    assert cleansed["new_password1"] != NEW_PASSWORD


def test_other_sessions_are_signed_out_by_a_password_change(alice_client, alice):
    laptop = Client()
    laptop.force_login(alice)
    alice_client.post(
        CHANGE,
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    response = laptop.get(reverse("accounts:edit_profile"))

    assert response.status_code == 302
    assert User.objects.get(pk=alice.pk).check_password(NEW_PASSWORD)
