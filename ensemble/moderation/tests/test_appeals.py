"""Appeals: once, by the owner, decided by another moderator; granted, the thing comes
back as it was; everything on the record."""

from __future__ import annotations

import pytest
from django.http import Http404
from django.urls import reverse

from ensemble.accounts.testing import make_user
from ensemble.community.models import Comment
from ensemble.community.services import comments
from ensemble.core.refusals import Refused
from ensemble.lineage.services import add_source
from ensemble.lineage.testing import bare_record
from ensemble.moderation import appeals, services
from ensemble.moderation.models import Appeal, AuditEntry
from ensemble.notifications.models import Notification
from ensemble.records.models import Record

pytestmark = pytest.mark.django_db


@pytest.fixture
def mod2(db):
    """A second moderator: appeals are decided by another than the one who acted."""
    user = make_user("mod2")
    services.grant(user)
    return user


def removed(owner, reporter, moderator, **fields):
    """A record of `owner`'s, reported and removed; the removal's audit entry."""
    record = bare_record(owner, **fields)
    made = services.file_report(
        reporter, "record", record.pk, reason="harassment", text="Mocks a classmate."
    )
    services.decide(made, by=moderator, action="remove", note="Names a classmate.")
    record.refresh_from_db()
    return record, AuditEntry.objects.get(action="remove", target_id=record.pk)


def refused(code, fn, *args, **kwargs):
    with pytest.raises(Refused) as caught:
        fn(*args, **kwargs)
    assert caught.value.code == code, caught.value.message


def test_a_granted_appeal_gives_the_record_back_as_it_was(alice, bob, carol, mod, mod2):
    poem, entry = removed(alice, carol, mod, title="Ode to a turnip", description="*Bold*")
    later = bare_record(bob)
    refused("gone", add_source, later, poem, by=bob, note="quoted")
    filed = appeals.appeal(entry, by=alice, text="It is about a vegetable, not a person.")
    appeals.decide(filed, by=mod2, grant=True, note="Misread: it names nobody.")
    poem.refresh_from_db()
    assert not poem.is_deleted
    assert poem.title == "Ode to a turnip"
    assert "<em>Bold</em>" in poem.description_html
    assert add_source(later, poem, by=bob, note="quoted").source == poem  # citable again
    filed.refresh_from_db()
    assert filed.state == "granted"
    assert filed.decided_by == mod2
    restore = AuditEntry.objects.get(action="restore")
    assert restore.actor == mod2
    assert restore.target_owner == alice
    assert restore.after["title"] == "Ode to a turnip"
    told = Notification.objects.filter(recipient=alice, kind="appeal_decided").get()
    assert told.actor is None


def test_a_denied_appeal_keeps_it_removed_and_is_on_the_record(alice, carol, mod, mod2):
    poem, entry = removed(alice, carol, mod)
    filed = appeals.appeal(entry, by=alice, text="Please.")
    appeals.decide(filed, by=mod2, grant=False, note="It does name her.")
    poem.refresh_from_db()
    assert poem.is_deleted
    assert AuditEntry.objects.filter(action="keep", actor=mod2).exists()
    assert Appeal.objects.get().state == "denied"


def test_a_comment_comes_back_with_its_words(alice, bob, carol, mod, mod2):
    said = comments.add(bob, bare_record(alice), "Strong words, **fairly** said")
    report = services.file_report(carol, "comment", said.pk, reason="harassment", text="Rude")
    services.decide(report, by=mod, action="remove", note="Rude.")
    entry = AuditEntry.objects.get(action="remove")
    appeals.decide(
        appeals.appeal(entry, by=bob, text="Not rude."), by=mod2, grant=True, note="Fair criticism."
    )
    said = Comment.objects.get(pk=said.pk)
    assert said.deleted_at is None
    assert not said.removed_by_moderators
    assert "<strong>fairly</strong>" in said.body_html


def test_only_the_owner_appeals_and_only_once(alice, bob, carol, mod):
    _, entry = removed(alice, carol, mod)
    with pytest.raises(Http404):
        appeals.action_for(bob, entry.pk)
    with pytest.raises(Http404):
        appeals.appeal(entry, by=carol, text="On her behalf")
    refused("invalid", appeals.appeal, entry, by=alice, text="   ")
    appeals.appeal(entry, by=alice, text="Please look again.")
    refused("duplicate", appeals.appeal, entry, by=alice, text="And again.")
    assert Appeal.objects.count() == 1


def test_a_dismissal_is_not_appealable(alice, carol, mod):
    made = services.file_report(carol, "record", bare_record(alice).pk, reason="spam", text="x")
    services.decide(made, by=mod, action="dismiss", note="Fine.")
    entry = AuditEntry.objects.get()
    with pytest.raises(Http404):  # it is not about anything of carol's
        appeals.action_for(carol, entry.pk)
    refused("not_appealable", appeals.appeal, entry, by=alice, text="Nothing to appeal")


def test_the_moderator_who_acted_never_decides_the_appeal(alice, carol, mod, mod2):
    poem, entry = removed(alice, carol, mod)
    filed = appeals.appeal(entry, by=alice, text="Please.")
    refused("own", appeals.decide, filed, by=mod, grant=False, note="I stand by it.")
    with pytest.raises(Http404):
        appeals.decide(filed, by=carol, grant=True, note="Fine by me.")
    stale = Appeal.objects.get(pk=filed.pk)
    appeals.decide(filed, by=mod2, grant=False, note="It stays.")
    refused("decided", appeals.decide, stale, by=mod2, grant=True, note="Changed my mind.")
    poem.refresh_from_db()
    assert poem.is_deleted
    assert AuditEntry.objects.filter(action__in=["restore", "keep"]).count() == 1


def test_the_owner_appeals_from_their_page_and_a_moderator_decides_on_the_appeals(
    client, alice, carol, mod, mod2
):
    poem, entry = removed(alice, carol, mod, title="Ode")
    client.force_login(alice)
    mine = client.get(reverse("moderation:mine")).content.decode()
    assert reverse("moderation:file_appeal", args=[entry.pk]) in mine
    sent = client.post(reverse("moderation:file_appeal", args=[entry.pk]), {"text": "Please."})
    filed = Appeal.objects.get()
    assert sent["Location"] == filed.get_absolute_url()
    again = client.post(reverse("moderation:file_appeal", args=[entry.pk]), {"text": "Again."})
    assert again.status_code == 302
    assert Appeal.objects.count() == 1
    client.force_login(carol)
    assert client.get(filed.get_absolute_url()).status_code == 404
    client.force_login(mod)  # who removed it sees the appeal, and is told to leave it
    page = client.get(filed.get_absolute_url()).content.decode()
    assert "another moderator decides the appeal" in page
    client.force_login(mod2)
    assert filed.get_absolute_url() in client.get(reverse("moderation:queue")).content.decode()
    url = reverse("moderation:decide_appeal", args=[filed.pk])
    assert client.post(url, {"decision": "grant"}).status_code == 400
    assert client.post(url, {"decision": "grant", "note": "Misread."}).status_code == 302
    poem.refresh_from_db()
    assert poem.title == "Ode"
    assert not Record.objects.filter(deleted_at__isnull=False).exists()


def test_the_api_appeals_and_decides(client, alice, carol, mod, mod2):
    _, entry = removed(alice, carol, mod)
    client.force_login(alice)
    listed = client.get("/api/v1/moderation/actions").json()
    assert [(a["id"], a["action"], a["appeal"]) for a in listed] == [(entry.pk, "remove", None)]
    url = f"/api/v1/moderation/actions/{entry.pk}/appeal"
    made = client.post(url, {"text": "Please."}, content_type="application/json")
    assert made.status_code == 201
    assert made.json()["appellant"] is None
    twice = client.post(url, {"text": "Again."}, content_type="application/json")
    assert (twice.status_code, twice.json()["code"]) == (409, "duplicate")
    appeal_id = made.json()["id"]
    decision = f"/api/v1/moderation/appeals/{appeal_id}/decision"
    body = {"grant": True, "note": "Misread."}
    assert client.post(decision, body, content_type="application/json").status_code == 404
    client.force_login(mod)
    own = client.post(decision, body, content_type="application/json")
    assert (own.status_code, own.json()["code"]) == (403, "own")
    client.force_login(mod2)
    assert [a["id"] for a in client.get("/api/v1/moderation/appeals").json()] == [appeal_id]
    loose = client.post(decision, {"grant": "yes", "note": "x"}, content_type="application/json")
    assert loose.status_code == 422  # JSON's own types: a boolean is true or false
    done = client.post(decision, body, content_type="application/json")
    assert (done.status_code, done.json()["state"]) == (200, "granted")
