"""Deleting an account: asked with the password, money owed shown first, cancellable
for the grace period, then done by the sweeper; the member's personal data goes, what
others rely on stays, anonymous."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ensemble.accounts import deletion, exports
from ensemble.accounts.models import User
from ensemble.accounts.services import create_access_token
from ensemble.accounts.testing import PASSWORD
from ensemble.community.models import Comment, Follow, Heart, RecordList
from ensemble.community.services import comments, follows, hearts, lists
from ensemble.core import filestore
from ensemble.core.refusals import Refused
from ensemble.core.testing import run_tasks
from ensemble.lineage import credits
from ensemble.lineage.services import add_source
from ensemble.lineage.testing import bare_record
from ensemble.notifications.models import Notification
from ensemble.payments.services import ledger, proposals
from ensemble.payments.testing import pool_with_revenue, released_production
from ensemble.records.models import Record

pytestmark = pytest.mark.django_db


def fresh(user):
    return User.objects.get(pk=user.pk)


def refused(code, fn, *args, **kwargs):
    with pytest.raises(Refused) as caught:
        fn(*args, **kwargs)
    assert caught.value.code == code, caught.value.message


def ask(user, **kw):
    kw.setdefault("keep_records", True)
    kw.setdefault("give_up_money", False)
    return deletion.request(user, password=kw.pop("password", PASSWORD), **kw)


def due_now(user):
    User.objects.filter(pk=user.pk).update(deletion_due_at=timezone.now() - timedelta(1))


def test_asked_with_the_password_once_and_cancellable(alice, settings):
    settings.ACCOUNT_DELETION_DAYS = 14
    refused("wrong_password", ask, alice, password="guess")
    assert fresh(alice).deletion_due_at is None
    due = ask(alice)
    assert timedelta(days=13, hours=23) < due - timezone.now() <= timedelta(days=14)
    assert Notification.objects.filter(recipient=alice, kind="deletion_scheduled").exists()
    refused("scheduled", ask, alice)
    assert deletion.cancel(alice) is True
    assert fresh(alice).deletion_due_at is None
    assert deletion.sweep() == 0


def test_money_owed_is_shown_and_must_be_given_up(alice, bob, carol, settings):
    settings.PAYMENT_COMMENT_SECONDS = 0
    story = released_production(alice, bob, carol)
    pool = pool_with_revenue(story, alice)
    proposal = proposals.publish(proposals.make_proposal(pool, by=alice), by=alice)
    proposals.finalize(proposal, by=alice)
    assert ledger.earnings(bob)["totals"]["EUR"]["final"] > 0
    owed = deletion.owed_to(bob)
    assert owed
    assert "not yet paid out" in owed[0]
    refused("money_owed", ask, bob)
    assert fresh(bob).deletion_due_at is None
    ask(bob, give_up_money=True)
    assert fresh(bob).deletion_due_at is not None


def test_when_due_the_personal_data_goes_and_what_others_rely_on_stays(alice, bob, carol):
    alice.email_verified_at = timezone.now()
    alice.save(update_fields=["email_verified_at"])
    create_access_token(alice, "script")
    poem = bare_record(alice, title="Her poem")
    remix = bare_record(bob, title="Bob's remix")
    add_source(remix, poem, by=bob, note="uses it")
    bobs = bare_record(bob, title="Bob's own")
    hearts.heart(alice, bobs)
    follows.follow_person(alice, bob)
    follows.follow_person(carol, alice)
    said = comments.add(alice, bobs, "A comment that stays")
    lists.create(alice, title="Her list")
    ask(alice)
    due_now(alice)
    assert deletion.sweep() == 1
    gone = fresh(alice)
    assert gone.username == f"former_{alice.pk}"
    assert gone.email.endswith("@invalid")
    assert (gone.display_name, gone.bio, gone.links) == ("", "", [])
    assert not gone.is_active
    assert not gone.has_usable_password()
    assert gone.erased_at is not None
    assert not gone.access_tokens.exists()
    assert not Heart.objects.exists()
    assert Record.objects.get(pk=bobs.pk).heart_count == 0
    assert not Follow.objects.exists()
    assert not RecordList.objects.exists()
    assert not Notification.objects.filter(recipient=gone).exists()
    assert Comment.objects.get(pk=said.pk).body == "A comment that stays"
    assert Record.objects.get(pk=poem.pk).deleted_at is None  # she kept her records
    assert deletion.sweep() == 0  # done once


def test_her_exports_files_go_once_the_erasure_is_committed(
    alice, django_capture_on_commit_callbacks
):
    exports.request(alice)
    run_tasks()
    (kept,) = alice.exports.values_list("file_name", flat=True)
    ask(alice)
    due_now(alice)
    with django_capture_on_commit_callbacks() as callbacks:
        deletion.sweep()
        assert filestore.exports.exists(kept)  # until the rows are gone for good
    for callback in callbacks:
        callback()
    assert not filestore.exports.exists(kept)
    assert not alice.exports.exists()


def test_records_go_too_when_the_member_chose_so(client, alice, bob):
    poem = bare_record(alice, title="Her poem")
    remix = bare_record(bob, title="Bob's remix")
    add_source(remix, poem, by=bob, note="uses it")
    ask(alice, keep_records=False)
    due_now(alice)
    deletion.sweep()
    assert Record.objects.get(pk=poem.pk).is_deleted
    page = client.get(remix.get_absolute_url()).content.decode()
    assert "a former member" in page  # the source stays, its creator anonymous
    roll = credits.credit_roll(remix.pk)
    names = {p.name for s in roll.sections for people in s.roles.values() for p in people}
    assert names == {"Bob Brass", "a former member"}


def test_the_page_asks_shows_the_date_on_every_page_and_cancels(client, alice):
    client.force_login(alice)
    url = reverse("accounts:delete_account")
    assert client.get(url).status_code == 200
    wrong = client.post(url, {"password": "guess", "records": "keep"})
    assert wrong.status_code == 400
    assert "That is not your password." in wrong.content.decode()
    assert client.post(url, {"password": PASSWORD, "records": "keep"}).status_code == 302
    banner = client.get(reverse("records:browse")).content.decode()
    assert "Your account will be deleted on" in banner
    client.post(reverse("accounts:cancel_deletion"))
    assert fresh(alice).deletion_due_at is None
    assert "Your account will be deleted on" not in client.get(url).content.decode()


def test_the_api_asks_reads_and_cancels(client, alice):
    client.force_login(alice)
    body = {"password": PASSWORD, "keep_records": False}
    asked = client.post("/api/v1/me/deletion", body, content_type="application/json")
    assert asked.status_code == 202
    assert asked.json()["due_at"] is not None
    assert asked.json()["keep_records"] is False
    again = client.post("/api/v1/me/deletion", body, content_type="application/json")
    assert again.json()["code"] == "scheduled"
    assert client.delete("/api/v1/me/deletion").json()["due_at"] is None
    wrong = client.post("/api/v1/me/deletion", {"password": "x"}, content_type="application/json")
    assert (wrong.status_code, wrong.json()["code"]) == (422, "wrong_password")
