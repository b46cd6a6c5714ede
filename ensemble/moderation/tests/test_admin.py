"""Django's admin: for staff only; the moderation records are read-only there."""

from __future__ import annotations

import pytest

from ensemble.accounts.testing import make_user
from ensemble.lineage.testing import bare_record
from ensemble.moderation import services
from ensemble.moderation.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(alice, carol, mod):
    report = services.file_report(carol, "record", bare_record(alice).pk, reason="spam", text="x")
    services.decide(report, by=mod, action="dismiss", note="Fine as it is.")
    return AuditEntry.objects.get()


def test_members_and_moderators_are_not_let_into_the_admin(client, alice, mod):
    for user in (alice, make_user("mod_only")):
        services.grant(user)
        client.force_login(user)
        assert client.get("/admin/")["Location"].startswith("/admin/login/")


def test_operators_read_the_moderation_records_and_cannot_change_them(client, entry):
    client.force_login(make_user("operator", is_staff=True, is_superuser=True))
    for url in (
        "/admin/",
        "/admin/accounts/user/",
        "/admin/moderation/auditentry/",
        "/admin/moderation/report/",
        "/admin/moderation/appeal/",
    ):
        assert client.get(url).status_code == 200, url
    change = f"/admin/moderation/auditentry/{entry.pk}/change/"
    page = client.get(change).content.decode()
    assert "Fine as it is." in page
    assert 'name="_save"' not in page
    assert client.post(change, {"note": "Rewritten"}).status_code == 403
    assert client.post(f"/admin/moderation/auditentry/{entry.pk}/delete/").status_code == 403
    assert client.get("/admin/moderation/auditentry/add/").status_code == 403
    assert AuditEntry.objects.get().note == "Fine as it is."
