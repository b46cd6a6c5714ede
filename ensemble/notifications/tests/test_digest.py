"""The daily digest: gathered, sent once a day at most, only to verified addresses, and
never the kinds a member wants at once or not at all."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from ensemble.accounts.testing import make_user
from ensemble.notifications.digest import send_due
from ensemble.notifications.kinds import Delivery
from ensemble.notifications.models import Preference
from ensemble.notifications.services import notify

pytestmark = pytest.mark.django_db


def test_digest_notifications_wait_then_go_in_one_email_a_day(alice, bob, tasks):
    Preference.objects.create(user=alice, kind="new_follower", delivery=Delivery.DIGEST)
    notify(alice, "new_follower", actor=bob)
    notify(alice, "new_follower", actor=make_user("dora"))
    notify(alice, "password_changed")  # by email at once, as she has not changed it
    tasks()
    assert [m.subject for m in mail.outbox if "since yesterday" in m.subject] == []
    now = timezone.now()
    assert send_due(now) == 0  # the oldest is not a day old yet
    assert send_due(now + dt.timedelta(days=1, minutes=1)) == 1
    digest = mail.outbox[-1]
    assert digest.subject.endswith("2 things since yesterday")
    assert digest.to == [alice.email]
    assert "follows you now" in digest.body
    assert send_due(now + dt.timedelta(days=1, minutes=2)) == 0  # sent already
    notify(alice, "new_follower", actor=make_user("erin"))
    assert send_due(now + dt.timedelta(days=1, hours=2)) == 0  # a day since the last one
    assert send_due(now + dt.timedelta(days=2, hours=1)) == 1


def test_no_digest_to_an_unverified_address(bob):
    unverified = make_user("newbie", verified=False)
    Preference.objects.create(user=unverified, kind="new_follower", delivery=Delivery.DIGEST)
    notify(unverified, "new_follower", actor=bob)
    assert send_due(timezone.now() + dt.timedelta(days=2)) == 0
    assert mail.outbox == []
