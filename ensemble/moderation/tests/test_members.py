"""One member for moderators: their page and its API twin, lifting a suspension or a
ban (logged, the member told), with what is refused; and operators' changes of a
member's standing outside the queue (Django's admin, `ensemble moderators`) written to
the same log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from ensemble.accounts.models import AccessToken, User
from ensemble.accounts.services import create_access_token
from ensemble.accounts.testing import PASSWORD, make_user
from ensemble.moderation import members, services
from ensemble.moderation.models import AuditEntry
from ensemble.moderation.tests.api_helpers import signed_in
from ensemble.notifications.models import Notification

pytestmark = pytest.mark.django_db


def suspend(user, days=3):
    user.suspended_until = timezone.now() + timedelta(days=days)
    user.suspension_reason = "Spam."
    user.save(update_fields=["suspended_until", "suspension_reason"])


def ban(user):
    user.is_active, user.banned_at = False, timezone.now()
    user.save(update_fields=["is_active", "banned_at"])


def test_a_moderator_lifts_a_suspension_from_the_members_page(client, alice, carol, mod):
    suspend(carol)
    client.force_login(mod)
    page = client.get("/moderation/members/carol").content.decode()
    assert "Suspended" in page
    assert "Lift the suspension" in page
    response = client.post("/moderation/members/carol/lift", {"note": "Said sorry."})
    assert response["Location"] == "/moderation/members/carol"
    carol.refresh_from_db()
    assert not carol.is_suspended
    assert carol.suspension_reason == ""
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.target_owner, entry.note) == (
        "lift",
        mod,
        carol,
        "Said sorry.",
    )
    assert entry.before["suspended_until"] is not None
    assert entry.after["suspended_until"] is None
    told = Notification.objects.get(recipient=carol, kind="sanction_lifted")
    assert told.actor is None
    assert "In good standing" in client.get("/moderation/members/carol").content.decode()


def test_lifting_a_ban_lets_the_member_back_in(alice, carol, mod):
    ban(carol)
    assert not Client().login(username="carol", password=PASSWORD)
    members.lift(carol, by=mod, note="Banned by mistake.")
    carol.refresh_from_db()
    assert (carol.is_active, carol.banned_at) == (True, None)
    assert Client().login(username="carol", password=PASSWORD)
    assert AuditEntry.objects.get().after["banned"] is False


def test_what_cannot_be_lifted_is_refused_and_changes_nothing(client, alice, carol, mod):
    client.force_login(mod)
    response = client.post("/moderation/members/carol/lift", {"note": "Nothing to lift."})
    assert response.status_code == 400
    assert "neither suspended nor banned" in response.content.decode()
    response = client.post("/moderation/members/carol/lift", {"note": ""})
    assert response.status_code == 400
    suspend(mod)
    api = signed_in(mod)
    refused = api.post(
        "/api/v1/moderation/members/mod/lift", {"note": "Me."}, content_type="application/json"
    )
    assert refused.status_code == 403  # suspended moderators write nothing; nor for oneself
    assert not AuditEntry.objects.exists()


def test_the_page_and_the_api_are_for_moderators_only(client, alice, carol):
    suspend(carol)
    client.force_login(alice)
    assert client.get("/moderation/members/carol").status_code == 404
    assert client.post("/moderation/members/carol/lift", {"note": "x"}).status_code == 404
    assert signed_in(alice).get("/api/v1/moderation/members/carol").status_code == 404
    assert Client().get("/api/v1/moderation/members/carol").status_code == 401
    carol.refresh_from_db()
    assert carol.is_suspended


def test_the_api_shows_the_standing_and_lifts(carol, mod):
    suspend(carol)
    api = signed_in(mod)
    body = api.get("/api/v1/moderation/members/carol").json()
    assert body["username"] == "carol"
    assert body["suspension_reason"] == "Spam."
    assert body["history"] == []
    assert api.get("/api/v1/moderation/members/nobody").status_code == 404
    lifted = api.post(
        "/api/v1/moderation/members/carol/lift",
        {"note": "Appealed by email."},
        content_type="application/json",
    ).json()
    assert lifted["suspended_until"] is None
    assert [h["action"] for h in lifted["history"]] == ["lift"]
    again = api.post(
        "/api/v1/moderation/members/carol/lift", {"note": "Again."}, content_type="application/json"
    )
    assert (again.status_code, again.json()["code"]) == (409, "not_sanctioned")


def _admin_form(user: User, **changes):
    data = {
        "username": user.username,
        "display_name": user.display_name,
        "email": user.email,
        "bio": user.bio,
        "suspension_reason": user.suspension_reason,
        "suspended_until_0": "",
        "suspended_until_1": "",
        "banned_at_0": "",
        "banned_at_1": "",
        "is_active": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_operators_changes_in_the_admin_are_on_the_log(client, carol):
    operator = make_user("operator", is_staff=True, is_superuser=True)
    token = create_access_token(carol, "script").token
    client.force_login(operator)
    url = f"/admin/accounts/user/{carol.pk}/change/"
    response = client.post(
        url, _admin_form(carol, is_active=None, banned_at_0="2026-12-07", banned_at_1="12:00:00")
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.target_owner) == ("ban", operator, carol)
    assert entry.note == "Changed in the administration."
    assert AccessToken.objects.get(pk=token.pk).revoked_at is not None
    carol.refresh_from_db()
    client.post(url, _admin_form(carol))  # active again, banned at cleared
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["lift", "ban"]
    client.post(url, _admin_form(carol, display_name="Carol C."))  # nothing of standing
    assert AuditEntry.objects.count() == 2


def test_granting_and_revoking_from_the_command_line_is_on_the_log(carol):
    call_command("moderators", "grant", "carol")
    call_command("moderators", "revoke", "carol")
    entries = list(AuditEntry.objects.order_by("id"))
    assert [(e.action, e.actor, e.target_owner) for e in entries] == [
        ("grant", None, carol),
        ("revoke", None, carol),
    ]
    assert entries[0].note == "Changed with ensemble moderators."
    assert not services.is_moderator(User.objects.get(pk=carol.pk))
