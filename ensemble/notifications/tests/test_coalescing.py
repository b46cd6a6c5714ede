"""Mention and reply emails are coalesced: at most one email to a member per thread
(the record, project, call or proposal the comments are on) per quarter hour; the rest
are on the site at once and go out in the daily digest."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from ensemble.accounts.testing import make_user
from ensemble.community.services import comments
from ensemble.lineage.testing import bare_record
from ensemble.notifications.digest import send_due
from ensemble.notifications.kinds import Delivery
from ensemble.notifications.models import Preference

pytestmark = pytest.mark.django_db


def _mention_emails(to):
    return [m for m in mail.outbox if m.to == [to.email] and "mentioned you" in m.subject]


def test_fifty_mentions_in_four_minutes_are_one_email_and_the_rest_in_the_digest(
    alice, carol, tasks, rate_clock
):
    poem = bare_record(alice, kind="text", title="Turnip ode")
    authors = [make_user(f"writer{i}") for i in range(5)]  # several accounts, as in the flood
    for n in range(50):
        comments.add(authors[n % 5], poem, f"@carol look ({n})")
        rate_clock.advance(4.8)  # 50 comments over four minutes
    tasks()
    assert len(_mention_emails(carol)) == 1
    assert carol.notifications.filter(kind="mentioned").count() == 50  # all on the site
    assert send_due(timezone.now() + dt.timedelta(days=1, minutes=1)) == 1
    digest = mail.outbox[-1]
    assert digest.to == [carol.email]
    assert digest.subject.endswith("49 things since yesterday")
    assert digest.body.count("mentioned you") == 49


def test_another_thread_or_the_next_quarter_hour_gets_its_own_email(
    alice, bob, carol, tasks, rate_clock
):
    poem, drawing = (bare_record(alice, kind="text") for _ in range(2))
    Preference.objects.create(user=carol, kind="comment_reply", delivery=Delivery.EMAIL)
    comments.add(bob, poem, "@carol one")
    comments.add(bob, poem, "@carol two")  # held for the digest
    comments.add(bob, drawing, "@carol elsewhere")  # another thread
    first = comments.add(carol, poem, "Thanks")
    comments.add(bob, poem, "You're welcome", reply_to=first)  # a reply, same thread: held
    rate_clock.advance(15 * 60)
    comments.add(bob, poem, "@carol three")  # a new quarter hour
    tasks()
    assert len(_mention_emails(carol)) == 3
    assert not [m for m in mail.outbox if "answered your comment" in m.subject]
    held = carol.notifications.filter(to_digest=True)
    assert sorted(held.values_list("kind", flat=True)) == ["comment_reply", "mentioned"]
    assert carol.notifications.count() == 5


def test_each_member_has_their_own_quarter_hour(alice, bob, carol, tasks):
    poem = bare_record(alice, kind="text")
    dora = make_user("dora")
    comments.add(bob, poem, "@carol @dora look")
    comments.add(bob, poem, "@carol @dora again")
    tasks()
    assert len(_mention_emails(carol)) == len(_mention_emails(dora)) == 1
