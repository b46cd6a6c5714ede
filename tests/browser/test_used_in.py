"""A much-remixed record on a phone: the record page names the newest few works using it,
with their number and a link to all of them, page by page; by keyboard, axe clean."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from ensemble.accounts.testing import make_user
from ensemble.lineage import services
from ensemble.lineage.testing import bare_record

TRANSACTIONAL = pytest.mark.django_db(transaction=True, serialized_rollback=True)
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"used-in-{name}.png"), full_page=True)


@TRANSACTIONAL
def test_a_poem_used_in_thirty_works_on_a_phone(live_server: Any, page: Page, check_a11y):
    poet, fan = make_user("poet", display_name="Pat Poet"), make_user("fan")
    poem = bare_record(poet, title="Turnip poem")
    for n in range(1, 31):
        take = bare_record(fan, title=f"Reading, take {n}")
        services.add_source(take, poem, by=fan, note="a phone video of the reading")
    services.add_source(bare_record(fan, title="Unfinished", public=False), poem, by=fan, note="x")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/records/{poem.pk}")
    used = page.locator("ul[aria-labelledby=used-in-title] > li")
    expect(page.get_by_role("heading", name="Used in (30)")).to_be_visible()
    expect(used).to_have_count(8)
    expect(used.first).to_contain_text("Reading, take 30")
    expect(page.get_by_text("Unfinished")).to_have_count(0)
    check_a11y(page)
    _screenshot(page, "record-page")

    # By keyboard: focus the link to the rest and follow it.
    link = page.get_by_role("link", name="All 30 works that use it")
    link.focus()
    expect(link).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Used in", exact=True)).to_be_visible()
    expect(page.get_by_text("30 works use or were inspired by “Turnip poem”")).to_be_visible()
    expect(page.locator(".lineage-item")).to_have_count(24)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing overflows
    check_a11y(page)
    _screenshot(page, "page-1")

    older = page.get_by_role("link", name="Older")
    older.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".lineage-item")).to_have_count(6)
    expect(page.locator(".lineage-item").last).to_contain_text("Reading, take 1")
    expect(page.get_by_role("link", name="Older")).to_have_count(0)
    page.get_by_role("link", name="Newest").click()
    expect(page.locator(".lineage-item").first).to_contain_text("Reading, take 30")
