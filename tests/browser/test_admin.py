"""Django's admin for operators, in Chromium under the site's strict CSP: an operator
finds a banned member and lifts the ban, and reads the audit log, which offers no way to
change or delete an entry. The `page` fixture fails the test on any console error, a
CSP violation included."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from ensemble.accounts.models import User
from ensemble.accounts.testing import PASSWORD, make_user
from ensemble.lineage.testing import bare_record
from ensemble.moderation import services
from tests.browser.conftest import TaskWorker

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_operator_lifts_a_ban_and_reads_the_audit_log(
    page: Page, live_server: Any, alice: Any, carol: Any, mod: Any, worker: TaskWorker
) -> None:
    base = live_server.url
    with worker.server_held():
        make_user("operator", is_staff=True, is_superuser=True)
        report = services.file_report(
            carol, "record", bare_record(alice).pk, reason="spam", text="Adverts."
        )
        services.decide(report, by=mod, action="ban", note="Posts adverts only.")
    page.goto(base + "/admin/")
    page.get_by_label("Username").fill("operator")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()

    page.goto(base + "/admin/moderation/auditentry/")
    expect(page.get_by_text("Posts adverts only.")).to_be_visible()
    expect(page.get_by_role("link", name="Add audit log entry")).to_have_count(0)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "admin-audit-log.png"), full_page=True)

    page.goto(base + "/admin/accounts/user/?q=alice")
    page.get_by_role("link", name="alice", exact=True).click()
    page.get_by_label("Active").check()
    page.locator("#id_banned_at_0").fill("")  # Django's admin splits it: date, time
    page.locator("#id_banned_at_1").fill("")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was changed successfully")).to_be_visible()
    with worker.server_held():
        alice = User.objects.get(username="alice")
        assert alice.is_active
        assert alice.banned_at is None
        assert alice.date_joined < timezone.now()
