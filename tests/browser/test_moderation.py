"""Moderation in Chromium: Carol reports Alice's record from its page, a moderator finds
the report in the queue and removes the record, and the record becomes a tombstone that
keeps its place: Bob's remix still lists it as a source, "A removed work" by Alice, and
his credits still name her. Carol's reports show hers upheld. And a rights report upheld
by adding the missing credit: the credit roll and the open payment proposal name the
original's author. Axe clean, at two widths."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from ensemble.accounts.testing import PASSWORD, make_user
from ensemble.lineage.services import add_source
from ensemble.moderation.models import AuditEntry, Report
from ensemble.payments.services import proposals
from ensemble.payments.testing import pool_with_revenue, released_production
from ensemble.records.models import Record
from ensemble.records.takedown import REMOVED_TITLE
from ensemble.records.testing import make_record
from tests.browser.conftest import TaskWorker

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TRANSACTIONAL = pytest.mark.django_db(transaction=True, serialized_rollback=True)
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

ALICE_TITLE = "Lighthouse Study"
BOB_TITLE = "Lighthouse, Rebuilt"
COMPLAINT = "This is a scan of a poster from a shop window, not her own work."
DECISION = "A copy of someone else's poster, posted as her own."


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("details.menu > summary")).to_be_visible()  # signed in


def status(page: Page, url: str) -> int:
    """Open the page; the HTTP status it answered with."""
    response = page.goto(url)
    assert response is not None
    return response.status


def screenshot(page: Page, name: str) -> str | None:
    """The page at desktop width, then at a phone's, where nothing may overflow: what
    does, said (the test goes on, and fails at its end)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"moderation-{name}.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(ARTIFACTS / f"moderation-{name}-phone.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    page.set_viewport_size(DESKTOP)
    if width > PHONE["width"]:
        return f"{page.url} is {width}px wide on a {PHONE['width']}px phone"
    return None


@pytest.fixture
def contexts(browser: Browser) -> Iterator[Callable[[], Page]]:
    """Pages in contexts of their own (another member, a visitor); like `page`, they
    fail the test on a script error, or on a failed load other than a page's own."""
    opened: list[tuple[BrowserContext, list[str]]] = []

    def open_page() -> Page:
        context = browser.new_context(viewport=DESKTOP)
        page = context.new_page()
        problems: list[str] = []
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.on(
            "response",
            lambda r: (
                problems.append(f"{r.status} for {r.url}")
                if r.status >= 400 and r.request.resource_type != "document"
                else None
            ),
        )
        opened.append((context, problems))
        return page

    yield open_page
    for context, _ in opened:
        context.close()
    problems = [p for _, each in opened for p in each]
    assert not problems, f"The browser reported errors: {problems}"


@TRANSACTIONAL
def test_a_reported_record_is_removed_and_keeps_its_place_in_lineage_and_credits(
    page: Page,
    contexts: Callable[[], Page],
    live_server: Any,
    alice: Any,
    bob: Any,
    carol: Any,
    mod: Any,
    worker: TaskWorker,
    check_a11y: Callable[[Page], None],
) -> None:
    base = live_server.url
    with worker.server_held():
        poster = make_record(alice, publish=True, title=ALICE_TITLE)
        remix = make_record(bob, publish=True, title=BOB_TITLE)
        add_source(remix, poster, by=bob, note="the lighthouse's outline")

    # Carol reports Alice's record from its page.
    sign_in(page, base, "carol")
    page.goto(f"{base}/records/{poster.pk}")
    page.get_by_role("link", name="Report this record").click()
    expect(page).to_have_url(f"{base}/report/record/{poster.pk}")
    expect(page.get_by_role("heading", name="Report this record", level=1)).to_be_visible()
    expect(page.locator(".lead").get_by_role("link", name=ALICE_TITLE)).to_have_attribute(
        "href", f"/records/{poster.pk}"
    )
    reasons = page.get_by_role("group", name="Reason")
    reasons.get_by_role("radio", name="Against the site's rules").check()
    page.get_by_label("What is wrong").fill(COMPLAINT)
    check_a11y(page)
    overflowing = [screenshot(page, "report-form")]
    page.get_by_role("button", name="Send the report").click()
    with worker.server_held():
        report = Report.objects.get()
        assert (report.reporter, report.kind, report.target_id) == (carol, "record", poster.pk)
        assert (report.reason, report.text, report.target_owner) == ("rules", COMPLAINT, alice)
    expect(page).to_have_url(f"{base}/reports/{report.pk}")
    expect(page.get_by_text("Thank you. Moderators will look at it")).to_be_visible()
    expect(page.get_by_role("heading", name=f"Report on record {ALICE_TITLE}")).to_be_visible()
    facts = page.locator("dl.facts")
    expect(facts.locator("dt:has-text('State') + dd")).to_have_text("Open")
    expect(facts.locator("dt:has-text('Reason') + dd")).to_have_text("Against the site's rules")
    expect(page.locator("blockquote")).to_have_text(COMPLAINT)

    # The moderator finds it in the queue, opens it and removes the record.
    moderator = contexts()
    sign_in(moderator, base, "mod")
    moderator.goto(f"{base}/moderation/")
    expect(moderator.get_by_role("heading", name="Moderation", level=1)).to_be_visible()
    row = moderator.get_by_role("row").filter(has_text=ALICE_TITLE)
    expect(row).to_have_count(1)
    expect(row.get_by_role("cell").nth(2)).to_have_text("Against the site's rules")
    expect(row.get_by_role("cell").nth(3)).to_have_text("@alice")
    expect(row.get_by_role("cell").nth(4)).to_have_text("@carol")
    expect(row.get_by_role("cell").nth(5)).to_have_text("Open")
    check_a11y(moderator)
    overflowing.append(screenshot(moderator, "queue"))
    row.get_by_role("link").click()
    expect(moderator).to_have_url(f"{base}/reports/{report.pk}")
    expect(moderator.locator("blockquote")).to_have_text(COMPLAINT)
    reported = moderator.get_by_role("region", name="What was reported")
    expect(reported.get_by_role("link", name=ALICE_TITLE)).to_be_visible()
    decide = moderator.get_by_role("region", name="Decide")
    decide.get_by_role("radio", name="Remove it").check()
    decide.get_by_label("Reason (the owner and the reporter are told)").fill(DECISION)
    decide.get_by_role("button", name="Decide").click()
    expect(moderator).to_have_url(f"{base}/moderation/")
    expect(moderator.get_by_text("Decided. The reporter and the owner are told.")).to_be_visible()
    expect(moderator.get_by_role("row").filter(has_text=ALICE_TITLE)).to_have_count(0)
    expect(moderator.get_by_text("No reports here.")).to_be_visible()
    moderator.get_by_role("link", name="The moderation log").click()
    entry_row = moderator.get_by_role("row").filter(has_text=f"“{ALICE_TITLE}”")
    expect(entry_row).to_have_count(1)
    expect(entry_row.get_by_role("cell").nth(1)).to_have_text("@mod")
    expect(entry_row.get_by_role("cell").nth(2)).to_have_text("Removed")
    expect(entry_row.get_by_role("link", name=f"Record {poster.pk}")).to_have_attribute(
        "href", f"/reports/{report.pk}"
    )
    expect(entry_row.get_by_role("cell").nth(4)).to_have_text("@alice")
    expect(entry_row.get_by_role("cell").nth(5)).to_have_text(DECISION)
    check_a11y(moderator)
    overflowing.append(screenshot(moderator, "log"))
    with worker.server_held():
        poster.refresh_from_db()
        assert poster.is_deleted
        assert poster.title == REMOVED_TITLE
        entry = AuditEntry.objects.get()
        assert (entry.actor, entry.action, entry.note) == (mod, "remove", DECISION)
        assert entry.before["title"] == ALICE_TITLE
        assert Record.objects.get(pk=remix.pk).deleted_at is None

    # A visitor: Alice's record is gone, and says why; Bob's remix still credits it.
    visitor = contexts()
    assert status(visitor, f"{base}/records/{poster.pk}") == 410
    expect(
        visitor.get_by_role("heading", name="This work was removed by moderators", level=1)
    ).to_be_visible()
    expect(visitor.locator(".lead")).to_contain_text(DECISION)
    expect(visitor.get_by_text(ALICE_TITLE)).to_have_count(0)  # its title is gone too
    expect(visitor.get_by_role("link", name="@alice")).to_be_visible()

    assert status(visitor, f"{base}/records/{remix.pk}") == 200
    sources = visitor.get_by_role("region", name="Sources")
    item = sources.locator(".lineage-item")
    expect(item).to_have_count(1)
    expect(item.get_by_role("link", name=REMOVED_TITLE)).to_have_attribute(
        "href", f"/records/{poster.pk}"
    )
    expect(item).to_contain_text("by Alice Archer")
    expect(item).to_contain_text("removed")
    expect(visitor.get_by_text(ALICE_TITLE)).to_have_count(0)

    assert status(visitor, f"{base}/records/{remix.pk}/credits") == 200
    credits = visitor.locator(".credits")
    expect(credits).to_contain_text("Alice Archer")
    expect(credits).to_contain_text(f"a removed record (#{poster.pk})")
    expect(credits).not_to_contain_text(ALICE_TITLE)

    # Carol's reports: hers was upheld, with the moderator's reason.
    page.goto(f"{base}/reports/")
    mine = page.locator("li.card").filter(has_text=ALICE_TITLE)
    expect(mine).to_have_count(1)
    expect(mine.locator("strong")).to_have_text("Upheld")
    expect(mine).to_contain_text(DECISION)
    mine.get_by_role("link").click()
    expect(page).to_have_url(re.compile(rf"/reports/{report.pk}$"))
    expect(page.locator("dl.facts dt:has-text('State') + dd strong")).to_have_text("Upheld")

    overflowing = [each for each in overflowing if each]
    assert not overflowing, "Pages wider than a phone:\n" + "\n".join(overflowing)


@TRANSACTIONAL
def test_a_rights_report_upheld_adds_the_credit_to_the_roll_and_the_open_proposal(
    page: Page,
    contexts: Callable[[], Page],
    live_server: Any,
    alice: Any,
    bob: Any,
    carol: Any,
    mod: Any,
    worker: TaskWorker,
    check_a11y: Callable[[Page], None],
) -> None:
    """Dave finds his drawing in Alice's film, through Bob's uncredited copy of it. He
    reports the copy for rights, naming his original; a moderator upholds the report by
    adding the credit; the film's credit roll names Dave, and so does its payment
    proposal, still open for comments, in a revision that says why."""
    base = live_server.url
    with worker.server_held():
        story = released_production(alice, bob, carol)
        dave = make_user("dave", display_name="Dave Drawer")
        original = make_record(dave, publish=True, title="Dave's Turnip")
        proposal = proposals.make_proposal(pool_with_revenue(story, alice), by=alice)
        proposals.publish(proposal, by=alice)

    sign_in(page, base, "dave")
    page.goto(f"{base}/records/{story.drawing.pk}")
    page.get_by_role("link", name="Report this record").click()
    page.get_by_role("group", name="Reason").get_by_role(
        "radio", name="My work, uncredited or used against its licence"
    ).check()
    page.get_by_label("What is wrong").fill("Traced from my drawing, line for line.")
    page.get_by_label("The original on this site (its record number)").fill(str(original.pk))
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_text("Thank you. Moderators will look at it")).to_be_visible()
    with worker.server_held():
        report = Report.objects.get()
        assert (report.reason, report.original_record_id) == ("rights", original.pk)

    moderator = contexts()
    sign_in(moderator, base, "mod")
    moderator.goto(f"{base}/reports/{report.pk}")
    decide = moderator.get_by_role("region", name="Decide")
    decide.get_by_role("radio", name="Add the missing credit (a rights report)").check()
    decide.get_by_label("Reason (the owner and the reporter are told)").fill(
        "The drawing is traced from Dave's."
    )
    decide.get_by_role("button", name="Decide").click()
    expect(moderator.get_by_text("Decided. The reporter and the owner are told.")).to_be_visible()

    visitor = contexts()
    assert status(visitor, f"{base}/records/{story.film.pk}/credits") == 200
    expect(visitor.locator(".credits")).to_contain_text("Dave Drawer")
    assert status(visitor, f"{base}/proposals/{proposal.pk}") == 200
    expect(visitor.get_by_role("note")).to_contain_text(
        "Moderators credited “Dave's Turnip” as a source of “The drawing”. "
        "The split follows it from revision 2."
    )
    expect(visitor.locator("main")).to_contain_text("Dave Drawer")
    revisions = visitor.get_by_role("region", name="Revisions")
    expect(revisions).to_contain_text("by the moderators' change")
    check_a11y(visitor)
    overflowing = [screenshot(visitor, "proposal-followed")]
    with worker.server_held():
        line = proposals.current(proposal).lines.get(user=dave)
        assert line.amount > 0
    overflowing = [each for each in overflowing if each]
    assert not overflowing, "Pages wider than a phone:\n" + "\n".join(overflowing)
