"""The worker task that emails one notification: once, whatever happens."""

import pytest
from django.core import mail

from ensemble.accounts.models import AccessToken
from ensemble.notifications.models import Notification
from ensemble.notifications.services import notify
from ensemble.notifications.tasks import email_notification


def token_notification(user, name, actor=None):
    secret = AccessToken.new_secret()
    token = AccessToken.objects.create(
        user=user, name=name, digest=AccessToken.digest_of(secret), hint=secret[:8]
    )
    return Notification.objects.create(
        recipient=user, kind="token_created", about=token, actor=actor
    )


@pytest.mark.django_db
def test_running_the_task_twice_sends_one_email(alice):
    notification = token_notification(alice, "laptop")

    assert email_notification.call(notification.pk) is True
    assert email_notification.call(notification.pk) is False

    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.emailed_at is not None


@pytest.mark.django_db
def test_the_same_notification_queued_twice_is_mailed_once(alice, tasks):
    notification = notify(alice, "password_changed")  # queues the email once
    email_notification.enqueue(notification.pk)  # and a retry queues it again

    tasks()

    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_email_goes_to_the_recipient_with_text_and_absolute_links(alice, bob):
    notification = token_notification(alice, "laptop", actor=bob)

    email_notification.call(notification.pk)

    [message] = mail.outbox
    assert message.to == ["alice@example.org"]
    assert "“laptop”" in message.subject
    assert notification.text in message.body
    assert "http://testserver/settings/tokens/" in message.body
    assert "http://testserver/settings/notifications/" in message.body


@pytest.mark.django_db
def test_notification_with_an_actor_is_emailed_by_the_worker(alice, bob, tasks):
    # The task locks the row while the actor is joined in: PostgreSQL must accept that.
    notify(alice, "password_changed", actor=bob)

    tasks()

    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_text_with_line_breaks_becomes_a_one_line_subject(alice, tasks):
    notification = token_notification(alice, "evil\r\nBcc: victim@example.org")
    email_notification.enqueue(notification.pk)

    tasks()

    [message] = mail.outbox
    assert "\n" not in message.subject
    assert "\r" not in message.subject
    assert "evil Bcc: victim@example.org" in message.subject
    assert message.to == ["alice@example.org"]
    assert message.bcc == []


@pytest.mark.django_db
def test_long_text_is_cut_to_a_reasonable_subject(alice):
    notification = token_notification(alice, "n" * 80)

    email_notification.call(notification.pk)

    assert len(mail.outbox[0].subject) <= 200


@pytest.mark.django_db
def test_deleted_notification_sends_nothing(alice):
    notification = token_notification(alice, "laptop")
    pk = notification.pk
    notification.delete()

    assert email_notification.call(pk) is False
    assert mail.outbox == []
