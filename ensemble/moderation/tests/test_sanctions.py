"""Warnings, suspensions and bans: what each changes, that a suspended member writes
nothing (pages and API, session and token) but an appeal, and that a ban signs out and
keeps the banned member's name on what they made."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ensemble.accounts.models import User
from ensemble.accounts.services import create_access_token
from ensemble.accounts.testing import PASSWORD, make_user
from ensemble.community.models import Comment, Heart
from ensemble.core.refusals import Refused
from ensemble.lineage import credits
from ensemble.lineage.services import add_source
from ensemble.lineage.testing import bare_record
from ensemble.moderation import appeals, services
from ensemble.moderation.models import AuditEntry
from ensemble.notifications.models import Notification

pytestmark = pytest.mark.django_db


def decided(reporter, owner, moderator, action, days=None, kind="member"):
    target = owner.pk if kind == "member" else bare_record(owner).pk
    report = services.file_report(reporter, kind, target, reason="harassment", text="Abuse.")
    services.decide(report, by=moderator, action=action, note="Abuse in comments.", days=days)
    return AuditEntry.objects.get(action=action, target_id=owner.pk)


def fresh(user):
    return User.objects.get(pk=user.pk)


def refused(code, fn, *args, **kwargs):
    with pytest.raises(Refused) as caught:
        fn(*args, **kwargs)
    assert caught.value.code == code, caught.value.message
    return caught.value


def test_a_warning_changes_nothing_but_the_record(alice, carol, mod):
    entry = decided(carol, alice, mod, "warn")
    alice = fresh(alice)
    assert alice.is_active
    assert not alice.is_suspended
    assert entry.kind == "member"
    told = Notification.objects.get(recipient=alice, kind="member_sanctioned")
    assert told.actor is None


def test_a_suspension_from_a_report_on_their_work_lasts_the_days_given(alice, carol, mod):
    entry = decided(carol, alice, mod, "suspend", days=7, kind="record")
    alice = fresh(alice)
    assert alice.is_suspended
    left = alice.suspended_until - timezone.now()
    assert timedelta(days=6, hours=23) < left <= timedelta(days=7)
    assert alice.suspension_reason == "Abuse in comments."
    assert entry.after["days"] == 7
    assert entry.before["suspended_until"] is None


@pytest.mark.parametrize("days", [None, 0, 366, True])
def test_a_suspension_needs_a_number_of_days_within_a_year(alice, carol, mod, days):
    report = services.file_report(carol, "member", alice.pk, reason="spam", text="Spam.")
    error = refused(
        "invalid", services.decide, report, by=mod, action="suspend", note="Spam.", days=days
    )
    assert error.field == "days"
    assert not fresh(alice).is_suspended
    report.refresh_from_db()
    assert report.is_open


def test_moderators_and_operators_are_not_sanctioned_from_the_queue(carol, mod):
    other = make_user("mod3")
    services.grant(other)
    boss = make_user("boss", is_superuser=True)
    for target in (other, boss):
        report = services.file_report(carol, "member", target.pk, reason="rules", text="Rude.")
        refused("moderator", services.decide, report, by=mod, action="ban", note="Rude.")
        assert fresh(target).is_active


def test_a_suspended_member_reads_but_every_write_is_refused_and_changes_nothing(
    client, alice, bob, carol, mod
):
    poem = bare_record(bob)
    entry = decided(carol, alice, mod, "suspend", days=3)
    client.force_login(alice)
    assert client.get(poem.get_absolute_url()).status_code == 200  # reading goes on
    writes = [
        (reverse("community:comment"), {"target": "record", "target_id": poem.pk, "body": "Hi"}),
        (reverse("community:heart", args=[poem.pk]), {}),
        (reverse("community:new_list"), {"title": "Mine"}),
        (reverse("moderation:file", args=["record", poem.pk]), {"reason": "spam", "text": "x"}),
        (reverse("accounts:edit_profile"), {"display_name": "Changed"}),
    ]
    for url, data in writes:
        answer = client.post(url, data)
        assert answer.status_code == 403, url
        assert "suspended until" in answer.content.decode()
    api = client.post(f"/api/v1/records/{poem.pk}/hearts", content_type="application/json")
    assert (api.status_code, api.json()["code"]) == (403, "suspended")
    assert not Comment.objects.exists()
    assert not Heart.objects.exists()
    assert fresh(alice).display_name == "Alice Archer"
    # What is still allowed: an appeal, and signing out.
    sent = client.post(reverse("moderation:file_appeal", args=[entry.pk]), {"text": "Sorry."})
    assert sent.status_code == 302
    assert client.post(reverse("accounts:logout")).status_code == 302


def test_a_suspended_members_token_reads_but_does_not_write(alice, bob, carol, mod, client):
    alice.email_verified_at = timezone.now()
    alice.save(update_fields=["email_verified_at"])
    secret = create_access_token(alice, "script").secret
    decided(carol, alice, mod, "suspend", days=1)
    poem = bare_record(bob)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    assert client.get("/api/v1/me", **auth).status_code == 200
    write = client.post(f"/api/v1/records/{poem.pk}/hearts", **auth)
    assert (write.status_code, write.json()["code"]) == (403, "suspended")
    assert "Abuse in comments." in write.json()["detail"]
    assert not Heart.objects.exists()


def test_a_suspension_ends_by_itself_or_on_appeal(client, alice, bob, carol, mod):
    entry = decided(carol, alice, mod, "suspend", days=2)
    second = make_user("mod2")
    services.grant(second)
    appeals.decide(
        appeals.appeal(entry, by=alice, text="It was a joke between friends."),
        by=second,
        grant=True,
        note="Friends joking: no abuse.",
    )
    assert not fresh(alice).is_suspended
    assert AuditEntry.objects.filter(action="restore", target_id=alice.pk).exists()
    User.objects.filter(pk=bob.pk).update(suspended_until=timezone.now() - timedelta(seconds=1))
    client.force_login(bob)
    poem = bare_record(alice)
    assert client.post(reverse("community:heart", args=[poem.pk])).status_code == 302
    assert Heart.objects.filter(user=bob).exists()


def test_a_ban_signs_out_keeps_out_and_keeps_the_name_on_their_work(client, alice, bob, carol, mod):
    alice.email_verified_at = timezone.now()
    alice.save(update_fields=["email_verified_at"])
    secret = create_access_token(alice, "script").secret
    poem = bare_record(alice, title="Alice's poem")
    remix = bare_record(bob, title="Bob's reading")
    add_source(remix, poem, by=bob, note="read aloud")
    client.force_login(alice)
    decided(carol, alice, mod, "ban")
    alice = fresh(alice)
    assert not alice.is_active
    assert alice.banned_at is not None
    assert client.get(reverse("moderation:mine"))["Location"].startswith(reverse("accounts:login"))
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401
    client.logout()
    login = reverse("accounts:login")
    client.post(login, {"username": "bob", "password": PASSWORD})  # the same form works…
    assert client.session["_auth_user_id"] == str(bob.pk)
    client.logout()
    client.post(login, {"username": "alice", "password": PASSWORD})  # …but not for her
    assert "_auth_user_id" not in client.session
    page = client.get(remix.get_absolute_url()).content.decode()
    assert "Alice Archer" in page
    assert "a former member" not in page
    roll = credits.credit_roll(remix.pk)
    assert "Alice Archer" in {p.name for s in roll.sections for ps in s.roles.values() for p in ps}
    refused(
        "gone",
        services.decide,
        services.file_report(carol, "record", poem.pk, reason="spam", text="x"),
        by=mod,
        action="ban",
        note="Again.",
    )
    assert AuditEntry.objects.filter(action="ban").count() == 1
