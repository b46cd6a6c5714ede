"""Payments in Chromium: revenue for a released production, a proposal computed from the
lineage, a waiver, publishing, a comment, finalizing, a contributor's earnings, and the
payout CSV summing exactly to what the pool distributed."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from ensemble.accounts.testing import PASSWORD
from ensemble.payments.models import Pool, Proposal
from ensemble.payments.testing import released_production

TRANSACTIONAL = pytest.mark.django_db(transaction=True, serialized_rollback=True)
WINDOW = 12  # seconds the comment window stays open here (PAYMENT_COMMENT_SECONDS)


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("details.menu > summary")).to_be_visible()


@TRANSACTIONAL
def test_from_revenue_to_payout(
    page: Page,
    browser: Browser,
    live_server: Any,
    alice: Any,
    bob: Any,
    carol: Any,
    settings: Any,
    check_a11y: Callable[[Page], None],
) -> None:
    settings.PAYMENT_COMMENT_SECONDS = WINDOW
    base = live_server.url
    story = released_production(alice, bob, carol)

    # Alice sets up a profit share and records what the film earned and cost.
    sign_in(page, base, "alice")
    page.goto(f"{base}/projects/{story.project.slug}/")
    page.get_by_role("link", name="Money: pools, payment proposals and the ledger").click()
    page.get_by_label("Production").select_option(label="The film")
    page.get_by_role("radio", name="Profit share").check()
    page.get_by_label("Currency").fill("EUR")
    page.get_by_role("button", name="Create the pool").click()
    for kind, amount, what in (
        ("revenue", "1234.57", "Festival prize"),
        ("cost", "34.56", "Subtitles"),
    ):
        page.get_by_label("Kind").select_option(kind)
        page.get_by_label("Amount").fill(amount)
        page.get_by_label("Date").fill("2026-11-27")
        page.get_by_label("Description").fill(what)
        page.get_by_role("button", name="Record it").click()
    expect(page.locator("#pool-available")).to_have_text("€600.00")  # (1,234.57 − 34.56) / 2
    check_a11y(page)

    # A proposal from the lineage; Alice waives Bob's share at his request.
    page.get_by_role("button", name="Compute a proposal from the lineage").click()
    expect(page.get_by_role("heading", name="How €600.00 is split")).to_be_visible()
    expect(page.get_by_text("Editor share: 0 %")).to_be_visible()  # left at its default, said
    expect(page.locator("svg.split-chart")).to_be_visible()
    page.get_by_label("Adjustment").select_option("waive")
    page.get_by_label("Member (username)").fill("bob")
    page.get_by_role("textbox", name="Reason").fill("Bob gives his part to the script.")
    page.get_by_role("button", name="Revise").click()
    expect(page.get_by_text("Waived: Bob gives his part to the script.")).to_be_visible()
    # Carol's line explains itself as a sum: Bob's waived share is one of its parts.
    page.get_by_text("How €600.00 adds up").click()
    why = page.locator("tr", has_text="How €600.00 adds up")
    expect(why.get_by_text("part of what others waived")).to_be_visible()
    expect(why.get_by_text("= €600.00")).to_be_visible()
    check_a11y(page)
    page.get_by_role("button", name="Publish for comments").click()
    expect(page.get_by_text("Open for comments")).to_be_visible()
    published = time.monotonic()

    # Carol comments while the window is open.
    carol_context = browser.new_context(viewport={"width": 1280, "height": 900})
    carol_page = carol_context.new_page()
    sign_in(carol_page, base, "carol")
    carol_page.goto(page.url)
    carol_page.get_by_label("Your comment").fill("Thank you, Bob!")
    carol_page.get_by_role("button", name="Comment").click()
    expect(carol_page.locator(".prose").get_by_text("Thank you, Bob!")).to_be_visible()
    # She rewords it (authors may, while the window is open).
    carol_page.get_by_text("Edit or delete").click()
    carol_page.get_by_label("Edit your comment").fill("Thank you, Bob! And Alice.")
    carol_page.get_by_role("button", name="Save").click()
    expect(carol_page.locator(".prose").get_by_text("Thank you, Bob! And Alice.")).to_be_visible()
    expect(carol_page.get_by_text("· edited")).to_be_visible()
    check_a11y(carol_page)

    # The window closes; Alice finalizes.
    time.sleep(max(0.0, WINDOW + 0.5 - (time.monotonic() - published)))
    page.reload()
    page.get_by_role("button", name="Finalize: write the ledger").click()
    expect(page.get_by_text("Final: the ledger is written.")).to_be_visible()

    # Carol's earnings.
    carol_page.goto(f"{base}/me/earnings")
    expect(carol_page.get_by_role("cell", name="€600.00").first).to_be_visible()
    check_a11y(carol_page)
    carol_context.close()

    # Alice makes a payout batch and downloads the CSV for the bank.
    pool = Pool.objects.get()
    page.goto(f"{base}/pools/{pool.pk}")
    page.get_by_role("button", name="Make a payout batch").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV for the bank").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    pool.refresh_from_db()
    assert sum(int(r["minor_units"]) for r in rows) == pool.distributed
    assert pool.distributed == Proposal.objects.get().amount
    assert {r["payee"] for r in rows} == {"carol"}  # Bob waived
