"""The story in miniature, in Chromium: a project with stages, a call, three entries (one
from a phone through event mode), a review, a production released with its credit roll
and its thanks. DESIGN.md, "The story it must carry"."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect

from ensemble.accounts.testing import PASSWORD, make_user
from ensemble.projects.models import Call, Entry, Project
from ensemble.records.testing import make_record
from ensemble.records.tests.samples.images import picture
from tests.browser.conftest import TaskWorker

TRANSACTIONAL = pytest.mark.django_db(transaction=True, serialized_rollback=True)
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("details.menu > summary")).to_be_visible()


def another(browser: Browser, **options: Any) -> tuple[BrowserContext, Page]:
    context = browser.new_context(**({"viewport": {"width": 1280, "height": 900}} | options))
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.errors = errors  # type: ignore[attr-defined]
    return context, page


@TRANSACTIONAL
def test_the_story_from_call_to_credits(
    page: Page,
    browser: Browser,
    live_server: Any,
    worker: TaskWorker,
    check_a11y: Callable[[Page], None],
    tmp_path: Path,
) -> None:
    base = live_server.url
    with worker.server_held():
        alice = make_user("alice", display_name="Alice Archer")
        bob = make_user("bob", display_name="Bob Brass")
        make_user("carol", display_name="Carol Chalk")
        make_user("dave", display_name="Dave Draw")
        script = make_record(
            alice,
            text="He is prim, proper, and his head is a turnip.",
            title="The script",
            publish=True,
        )
        sketch = make_record(bob, title="Bob's turnip", publish=True)
        film = make_record(alice, title="The Turnip Film", publish=True)
    drawing = tmp_path / "turnip.png"
    picture((320, 240)).save(drawing, "PNG")

    # Alice creates the project with its stages, opens it, and attaches the script.
    sign_in(page, base, "alice")
    page.goto(base + "/projects/new")
    page.get_by_label("Title").fill("The Man With a Turnip for a Head")
    page.get_by_label("Stages").fill("Writing\nIllustration\nScore")
    page.get_by_role("button", name="Create").click()
    expect(page.locator(".pipeline")).to_contain_text("Illustration")
    page.get_by_label("Status").select_option("open")
    page.get_by_role("button", name="Change").click()
    page.get_by_label("Add a record (number or address)").fill(str(script.pk))
    page.get_by_role("button", name="Add", exact=True).first.click()
    expect(page.get_by_text("The script").first).to_be_visible()
    check_a11y(page)
    slug = Project.objects.get().slug

    # She posts a call for illustrations built on the script, and turns on event mode.
    page.goto(f"{base}/projects/{slug}/calls/new")
    page.get_by_label("Title").fill("Draw the man")
    page.get_by_label("Brief").fill("Prim, proper, buttoned-up, **a turnip** for a head.")
    deadline = timezone.localtime() + timedelta(days=7)
    page.get_by_label("Deadline").fill(deadline.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Image").check()
    page.get_by_label("Stage").select_option(label="Illustration")
    page.get_by_label("The script by Alice Archer").check()
    page.get_by_role("button", name="Post the call").click()
    expect(page.get_by_role("heading", name="Draw the man")).to_be_visible()
    page.get_by_role("button", name="Switch event mode on").click()
    qr = page.get_by_role("img", name="QR code")
    expect(qr).to_be_visible()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=qr.element_handle())
    check_a11y(page)
    call = Call.objects.get()
    short_link = base + f"/e/{call.event_code}"

    # Bob enters a drawing he already published.
    bob_context, bob_page = another(browser)
    sign_in(bob_page, base, "bob")
    bob_page.goto(f"{base}/calls/{call.pk}")
    bob_page.get_by_role("button", name="Enter").click()
    expect(bob_page.get_by_text(f"“{sketch.title}” is entered.")).to_be_visible()

    # Carol uploads a new drawing straight into the call, with a progress bar.
    carol_context, carol_page = another(browser)
    sign_in(carol_page, base, "carol")
    carol_page.goto(f"{base}/calls/{call.pk}")
    carol_page.get_by_label("Photo, video, sound or file").set_input_files(drawing)
    carol_page.get_by_label("Title").fill("Carol's turnip")
    carol_page.get_by_role("button", name="Send it in").click()
    expect(carol_page.get_by_text("it is entered as soon as it is processed")).to_be_visible()

    # Dave is in the audience: the short link on his phone, sign in, take part.
    dave_context, phone = another(browser, **PHONE)
    phone.goto(short_link)
    expect(phone.get_by_role("heading", name="Draw the man")).to_be_visible()
    check_a11y(phone)
    phone.locator("#main").get_by_role("link", name="Sign in").click()
    phone.get_by_label("Username or email").fill("dave")
    phone.get_by_label("Password").fill(PASSWORD)
    phone.get_by_role("button", name="Sign in").click()
    expect(phone.get_by_role("heading", name="Send your work")).to_be_visible()
    expect(phone.get_by_label("The script by Alice Archer")).to_be_checked()  # pre-cited
    phone.get_by_label("Photo, video, sound or file").set_input_files(drawing)
    phone.get_by_label("Title").fill("Dave's turnip")
    phone.get_by_role("button", name="Send it in").click()
    expect(phone.get_by_text("Thank you!")).to_be_visible()
    # Processed by the worker, then entered: the page says so without a reload.
    expect(phone.locator("#event-sent")).to_contain_text("Entered", timeout=30_000)
    check_a11y(phone)
    expect(carol_page).to_have_url(f"{base}/calls/{call.pk}")

    # Alice reviews: shortlists Bob's and Dave's, then selects Dave's.
    with worker.server_held():
        entries = {e.record.title: e.pk for e in Entry.objects.select_related("record")}
    assert set(entries) == {"Bob's turnip", "Carol's turnip", "Dave's turnip"}
    page.goto(f"{base}/calls/{call.pk}/review")
    check_a11y(page)
    for title in ("Bob's turnip", "Dave's turnip"):
        page.locator(f'input[name="entry"][value="{entries[title]}"]').check()
    page.get_by_label("Decision for the chosen entries").select_option("shortlisted")
    page.get_by_role("button", name="Decide").click()
    expect(page.get_by_text("2 entries updated.")).to_be_visible()
    page.locator(f'input[name="entry"][value="{entries["Dave's turnip"]}"]').check()
    page.get_by_label("Decision for the chosen entries").select_option("selected")
    page.get_by_label("Note to the entrants").fill("He looks just like the script says.")
    page.get_by_role("button", name="Decide").click()
    expect(page.get_by_text("1 entry updated.")).to_be_visible()

    # Dave sees the decision and the note on his phone (notified, too).
    phone.goto(f"{base}/calls/{call.pk}")
    expect(phone.get_by_text("Selected").first).to_be_visible()

    # Alice makes her film the production (Dave's drawing cited) and releases it.
    page.goto(f"{base}/projects/{slug}/")
    page.get_by_label("Make one of your records the production").fill(str(film.pk))
    page.get_by_role("button", name="Make it the production").click()
    expect(page.get_by_text("is the production")).to_be_visible()
    page.get_by_role("button", name="Release").click()
    expect(page.get_by_text("Released (release 1)")).to_be_visible()

    # Anyone sees the production, its credit roll and its thanks.
    visitor_context, visitor = another(browser)
    visitor.goto(f"{base}/projects/{slug}/")
    production = visitor.locator(
        "section", has=visitor.get_by_role("heading", name="The production")
    )
    expect(production.locator(".record__viewer img")).to_be_visible()
    credits = production.locator("p", has_text=":")
    expect(credits.filter(has_text="Dave Draw")).not_to_have_count(0)
    expect(credits.filter(has_text="Alice Archer")).not_to_have_count(0)
    thanks = production.locator("h3:has-text('Thanks to') + p")
    expect(thanks).to_have_text("Bob Brass, Carol Chalk")
    expect(production).not_to_contain_text("Bob's turnip")
    check_a11y(visitor)

    for context in (bob_context, carol_context, dave_context, visitor_context):
        for other in context.pages:
            assert not other.errors, other.errors  # type: ignore[attr-defined]
        context.close()
    with worker.server_held():
        assert bob.notifications.filter(kind="production_released").exists()  # thanked
        assert not alice.notifications.filter(kind="production_released").exists()  # hers
