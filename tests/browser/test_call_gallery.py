"""A resolved call as people see it, in Chromium: the chosen work first as a gallery with
pictures, a player and excerpts, a link to the production that used it; the entrant
reads the leader's note on a phone; nobody else does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from ensemble.accounts.testing import PASSWORD, make_user
from ensemble.projects import productions, services
from ensemble.projects.testing import make_call, make_project
from ensemble.records import services as records
from ensemble.records.testing import make_record
from ensemble.records.tests.samples.av import write_audio

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
NOTE = "He looks just like the script says."


def _resolved_call(tmp_path: Path) -> Any:
    hana = make_user("hana", display_name="Hana Producer")
    dave = make_user("dave", display_name="Dave Dunn")
    eve = make_user("eve", display_name="Eve Ears")
    project = make_project(hana)
    call = make_call(project, max_entries_per_person=10)
    winner = make_record(dave, title="Dave's turnip", publish=True)
    runner = make_record(eve, title="Eve's turnip", publish=True)
    poem = make_record(eve, title="Eve's ode", text="A turnip for a head, he said.", publish=True)
    tone = write_audio(tmp_path / "tone.wav")
    song = make_record(eve, title="Eve's hum", data=tone.read_bytes(), name="t.wav", publish=True)
    entries = [services.submit_entry(call, by=r.owner, record=r) for r in (winner, runner)]
    for record in (poem, song):
        services.submit_entry(call, by=eve, record=record)
    services.decide(entries, by=hana, state="shortlisted")
    services.decide(entries[:1], by=hana, state="selected", note=NOTE)
    film = make_record(hana, title="The film")
    productions.make_production(project, by=hana, record=film)
    records.publish(film, by=hana)
    services.set_call_status(call, by=hana, status="resolved")
    return call


def _sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Sign in")).to_have_count(0)


def test_a_resolved_call_is_a_gallery_and_the_entrant_reads_the_note(
    page: Page, browser: Browser, live_server: Any, check_a11y: Any, tmp_path: Path
) -> None:
    call = _resolved_call(tmp_path)
    base = live_server.url

    # A visitor: the winner first, pictures that load, a player, an excerpt, the film.
    page.goto(f"{base}/calls/{call.pk}")
    featured = page.get_by_role("list", name="Selected and shortlisted")
    expect(featured.get_by_role("listitem")).to_have_count(2)
    expect(featured.get_by_role("listitem").first).to_contain_text("Dave's turnip")
    expect(featured.get_by_role("listitem").first).to_contain_text("Selected")
    # Waited for, not read at once: on a busy machine a picture may still be arriving.
    for image in featured.locator("img").all():
        page.wait_for_function("i => i.complete && i.naturalWidth > 0", arg=image.element_handle())
    loaded = featured.locator("img").evaluate_all(
        "imgs => imgs.map(i => i.complete && i.naturalWidth > 0)"
    )
    assert loaded == [True, True]
    expect(page.get_by_label("Play “Eve's hum”")).to_be_visible()
    expect(page.get_by_text("A turnip for a head, he said.")).to_be_visible()
    expect(page.get_by_text("The selected work is in The film.")).to_be_visible()
    expect(page.get_by_text(NOTE)).to_have_count(0)
    check_a11y(page)
    page.get_by_role("link", name="The film").first.click()
    expect(page.get_by_role("heading", name="The film")).to_be_visible()

    # Dave, on his phone: his entry, its state and the note, nothing sideways.
    context = browser.new_context(**PHONE)
    phone = context.new_page()
    _sign_in(phone, base, "dave")
    phone.goto(f"{base}/calls/{call.pk}")
    mine = phone.get_by_role("region", name="Your entries")
    expect(mine).to_contain_text("Dave's turnip")
    expect(mine.get_by_text(NOTE)).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    check_a11y(phone)
    context.close()

    # Eve entered too; the note was not to her.
    _sign_in(page, base, "eve")
    page.goto(f"{base}/calls/{call.pk}")
    expect(page.get_by_role("region", name="Your entries")).to_contain_text("Eve's ode")
    expect(page.get_by_text(NOTE)).to_have_count(0)
