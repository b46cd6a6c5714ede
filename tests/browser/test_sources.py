"""A work built on thirty others, on a phone: the record page names the newest few
sources, with their number and a link to all of them, page by page, where the owner
edits a citation; its credits come a page of people at a time. By keyboard, axe clean."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from ensemble.accounts.testing import PASSWORD, make_user
from ensemble.lineage import services
from ensemble.lineage.models import Source
from ensemble.lineage.testing import bare_record

TRANSACTIONAL = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@TRANSACTIONAL
def test_a_collage_of_thirty_works_on_a_phone(live_server: Any, page: Page, check_a11y):
    artist = make_user("artist", display_name="Ada Artist")
    collage = bare_record(artist, title="Turnip collage", kind="image")
    for n in range(1, 31):
        piece = bare_record(make_user(f"maker{n}"), title=f"Cutting {n}", kind="image")
        services.add_source(collage, piece, by=artist, note=f"cutting number {n}")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/records/{collage.pk}")
    sources = page.get_by_role("region", name="Sources")
    expect(sources.get_by_role("heading", name="Sources (30)")).to_be_visible()
    expect(sources.locator(".lineage-item")).to_have_count(12)
    expect(sources.locator(".lineage-item").first).to_contain_text("Cutting 30")
    check_a11y(page)

    link = page.get_by_role("link", name="All 30 sources")
    link.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Sources", exact=True)).to_be_visible()
    expect(page.locator(".lineage-item")).to_have_count(24)
    expect(page.get_by_label("Attribution for Cutting 30")).to_have_value(
        re.compile(r"^“Cutting 30” by maker30, \S+/records/\d+, ")
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing overflows
    check_a11y(page)
    page.get_by_role("link", name="Older").click()
    expect(page.locator(".lineage-item")).to_have_count(6)
    expect(page.locator(".lineage-item").last).to_contain_text("Cutting 1")

    # The owner edits the oldest citation from here, and comes back here.
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username or email").fill("artist")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("details.menu > summary")).to_be_visible()  # signed in
    page.goto(f"{live_server.url}/records/{collage.pk}/sources/all")
    page.get_by_role("link", name="Older").click()
    oldest = page.locator(".lineage-item").last
    oldest.get_by_text("Edit").click()
    oldest.get_by_label("What you used").fill("the blue corner")
    oldest.get_by_role("button", name="Save").click()
    expect(page).to_have_url(f"{live_server.url}/records/{collage.pk}/sources/all")
    expect(page.get_by_text("The citation was changed.")).to_be_visible()
    check_a11y(page)
    assert Source.objects.get(derived=collage, source__title="Cutting 1").note == "the blue corner"

    page.goto(f"{live_server.url}/records/{collage.pk}/credits")
    expect(page.get_by_role("heading", name="Credits")).to_be_visible()
    expect(page.locator(".attribution")).to_have_count(12)
    check_a11y(page)
