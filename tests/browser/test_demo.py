"""The demo in Chromium, as a newcomer meets it after `make run`: a visitor walks the
story (home, the film, its remix tree, the project with its credits), then signs in as
the producer with the password the home page shows (the review of the character call,
the payment proposal and its explanation).

With ENSEMBLE_TOUR_SHOTS=DIR the walk also saves the screenshots of README's tour there
(`make tour` writes docs/tour/); otherwise it only checks.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from ensemble.payments.models import Proposal
from ensemble.projects.models import Call, Release
from tests.browser.conftest import TaskWorker

TRANSACTIONAL = pytest.mark.django_db(transaction=True, serialized_rollback=True)
SHOTS = os.environ.get("ENSEMBLE_TOUR_SHOTS", "")


def shoot(page: Page, name: str) -> None:
    if SHOTS:
        page.wait_for_load_state("networkidle")
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"))


@TRANSACTIONAL
def test_a_visitor_and_the_producer_walk_the_demo(
    page: Page,
    live_server: Any,
    worker: TaskWorker,
    settings: Any,
    check_a11y: Callable[[Page], None],
) -> None:
    settings.DEBUG = True  # as `make run`: the home page shows the demo accounts
    # The worker fixture also lets one request at a time use the shared test database
    # (the review grid asks for 24 thumbnails at once).
    with worker.server_held():
        call_command("demo", stdout=StringIO())
    base = live_server.url
    release = Release.objects.select_related("production__project").get()
    character_call = Call.objects.get(title="Design the main character")
    proposal = Proposal.objects.get()

    # A visitor lands on a living site.
    page.goto(base + "/")
    demo = page.get_by_role("complementary", name="This is the demo")
    expect(demo).to_contain_text("Hana Okafor, the producer")
    expect(page.get_by_role("link", name="Design Mrs Gore")).to_be_visible()
    shoot(page, "home")
    check_a11y(page)

    # The film, which plays, from the trending records.
    trending = page.get_by_role("region", name="Trending")
    trending.get_by_role("link", name="The Man With a Turnip for a Head (short film)").click()
    expect(page.locator("video")).to_be_visible()
    sources = page.locator("#sources")
    expect(sources.get_by_role("link", name="Aldous, buttoned up")).to_be_visible()
    shoot(page, "record")
    check_a11y(page)

    # Its remix tree: the poem at the top, the remixes made after the release below.
    page.get_by_role("link", name="Remix tree").click()
    tree = page.locator("svg.tree")
    expect(tree.get_by_role("link", name=re.compile("The turnip's reply"))).to_be_visible()
    expect(tree.get_by_role("link", name=re.compile("The reading, from row"))).to_be_visible()
    shoot(page, "remix-tree")
    check_a11y(page)

    # The project: the production, its credits and its counts.
    page.goto(base + release.production.project.get_absolute_url())
    counts = f"{release.contribution_count} contributions by {release.people_count} people"
    expect(page.get_by_text(counts)).to_be_visible()
    expect(page.get_by_text("Tomás Ferreira").first).to_be_visible()
    page.get_by_text(counts).evaluate("e => e.scrollIntoView({block: 'start'})")
    shoot(page, "project")
    check_a11y(page)
    # Search finds the main work first, the 141 takes folded into one result.
    page.goto(base + "/search?q=turnip")
    results = page.locator("main")
    for title in (
        "The Man With a Turnip for a Head",
        "The Man With a Turnip for a Head (short film)",
    ):
        expect(results.get_by_role("link", name=title, exact=True).first).to_be_visible()
    expect(results.get_by_role("link", name=release.production.project.title).first).to_be_visible()
    expect(results.get_by_role("link", name=character_call.title).first).to_be_visible()
    expect(
        results.get_by_role("link", name=re.compile(r"\d+ more like this")).first
    ).to_be_visible()
    check_a11y(page)

    # The character call, resolved: a gallery with the chosen drawing first and the film.
    page.goto(f"{base}/calls/{character_call.pk}")
    featured = page.get_by_role("list", name="Selected and shortlisted")
    expect(featured.get_by_role("listitem").first).to_contain_text("Selected")
    expect(page.get_by_text("The selected work is in")).to_contain_text("short film")
    check_a11y(page)
    page.goto(f"{base}/calls/{character_call.pk}/review")  # leaders only: sign in first
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()

    # The producer signs in with the password the home page shows.
    page.goto(base + "/")
    row = page.get_by_role("row").filter(has_text="@hana")
    password = row.locator("code").inner_text()
    page.goto(base + "/accounts/login/")
    page.get_by_label("Username or email").fill("hana")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("details.menu > summary")).to_be_visible()

    # The review of the 145 drawings, shortlist first.
    page.goto(f"{base}/calls/{character_call.pk}/review?state=shortlisted")
    expect(page.get_by_role("link", name="Shortlisted (11)")).to_be_visible()
    expect(page.get_by_text("Mr Pell in his Sunday hat")).to_be_visible()  # Inès's, shortlisted
    shoot(page, "review")
    check_a11y(page)

    # The payment proposal, final, and why one person gets what they get.
    page.goto(f"{base}/proposals/{proposal.pk}")
    # Money reads as money everywhere, and each line's explanation adds up to what it pays.
    expect(page.get_by_role("heading", name=re.compile(r"How €[\d,.]+ is split"))).to_be_visible()
    expect(page.get_by_text("Final").first).to_be_visible()
    expect(page.locator("main")).not_to_contain_text(re.compile(r"\d{4,} ?EUR"))
    milo = page.get_by_role("row").filter(has_text="Milo Brandt")
    milo.get_by_text(re.compile(r"How €[\d,.]+ adds up")).click()
    expect(milo.get_by_text("Minuet for a turnip").first).to_be_visible()
    expect(milo.get_by_text(re.compile(r"= €[\d,.]+")).first).to_be_visible()
    shoot(page, "proposal")
    check_a11y(page)
    page.goto(f"{base}/pools/{proposal.pool_id}")
    expect(page.locator("main")).to_contain_text(re.compile(r"€[\d,]+\.\d\d"))
    expect(page.locator("main")).not_to_contain_text(re.compile(r"\b\d{4,} ?EUR"))
