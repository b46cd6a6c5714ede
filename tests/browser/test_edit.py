"""Editing a production in Chromium (the timelines issue's done-when): a leader starts a
timeline from the project page, adds three selected entries from the picker by mouse,
moves one by keyboard, trims the clip at the player's playhead, saves, renders a draft
and plays it, renders the final, and finds every clip in the production's credits and
sources with the part of the film it plays and the range used."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from ensemble.accounts.testing import PASSWORD, make_user
from ensemble.core.testing import image_bytes
from ensemble.demo.media import clips, sound
from ensemble.projects import services as projects
from ensemble.projects.testing import make_call, make_project
from ensemble.records.testing import make_record
from ensemble.timelines.models import Render, Timeline
from tests.browser.conftest import TaskWorker

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
SHOTS = Path("/tmp/shots")
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
RENDER_WAIT = 120_000  # ms: a render on a busy machine


def _selected_entries() -> Any:
    """Hana leads the project; three entries of her call are selected: Dave's walk (a
    video), Eve's city (a picture) and Fay's score (music)."""
    hana = make_user("hana", display_name="Hana Producer")
    dave = make_user("dave", display_name="Dave Dunn")
    eve = make_user("eve", display_name="Eve Ears")
    fay = make_user("fay", display_name="Fay Fiddle")
    project = make_project(hana)
    call = make_call(project, title="Pieces for the film")
    walk = make_record(
        dave,
        data=clips.animation_test(3, seconds=2.0),
        name="walk.mp4",
        title="The walk",
        publish=True,
    )
    city = make_record(
        eve, data=image_bytes(size=(320, 180)), name="city.png", title="The city", publish=True
    )
    score = make_record(
        fay, data=sound.score(seconds=3.0), name="score.m4a", title="The score", publish=True
    )
    entries = [
        projects.submit_entry(call, by=record.owner, record=record)
        for record in (walk, city, score)
    ]
    projects.decide(entries, by=hana, state="selected")
    return project, walk, city, score


def _sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Sign in")).to_have_count(0)


def _at_playhead(page: Page, item: str, seconds: float) -> None:
    """Open the item's player, load its media and put the playhead at `seconds`."""
    summary = page.locator(f"#{item} summary")
    if not summary.evaluate("s => s.parentElement.open"):
        summary.click()
    page.locator(f"#{item} video").evaluate(
        """(v, t) => new Promise((done) => {
            const seek = () => {
                v.addEventListener("seeked", done, {once: true});
                v.currentTime = t;
            };
            if (v.readyState >= 1) return seek();
            v.addEventListener("loadedmetadata", seek, {once: true});
            v.preload = "auto";
            v.load();
        })""",
        seconds,
    )


def _drag(page: Page, handle: Any, onto: Any) -> None:
    """Drag `handle` to the top edge of `onto`: the page's own HTML5 drag-and-drop
    handlers, fed the events a browser sends (dragstart, dragover, drop, dragend) with
    one DataTransfer. Synthetic mouse drags through Chromium's native drag were lost
    now and then on a loaded machine (the drop landing before the drag began)."""
    onto.scroll_into_view_if_needed()
    box = onto.bounding_box()
    assert box is not None
    where = {"clientX": box["x"] + 20, "clientY": box["y"] + 5}
    carried = page.evaluate_handle("() => new DataTransfer()")
    handle.dispatch_event("dragstart", {"dataTransfer": carried})
    onto.dispatch_event("dragover", {"dataTransfer": carried, **where})
    onto.dispatch_event("drop", {"dataTransfer": carried, **where})
    handle.dispatch_event("dragend", {"dataTransfer": carried})


def _no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_leader_edits_renders_and_credits_a_production(
    page: Page,
    browser: Browser,
    live_server: Any,
    worker: TaskWorker,
    check_a11y: Callable[[Page], None],
) -> None:
    with worker.server_held():
        project, walk, city, score = _selected_entries()
    base = live_server.url
    SHOTS.mkdir(parents=True, exist_ok=True)
    _sign_in(page, base, "hana")

    # From the project page to a new timeline.
    page.goto(f"{base}/projects/{project.slug}/")
    page.get_by_role("link", name="Edit a production in Ensemble").click()
    page.get_by_label("Title").fill("The walk home")
    page.get_by_role("button", name="Start it").click()
    expect(page.get_by_role("heading", name="The walk home", level=1)).to_be_visible()
    check_a11y(page)

    # The three selected entries, from the picker, by mouse.
    for kind, title in (("clip", "The walk"), ("still", "The city"), ("sound", "The score")):
        name = re.compile(rf"^Add as a {kind}\s*: “{title}”$")
        page.get_by_role("button", name=name).click()
        expect(page.get_by_text(re.compile(r"Saved: revision \d+\."))).to_be_visible()
    items = page.locator("#video-items > [data-item]")
    expect(items).to_have_count(4)  # title, clip, still, credits
    expect(page.locator("#item-a1\\.1")).to_contain_text("The score")

    # A small, short output, so the renders are quick.
    page.get_by_label("Width (px)").fill("320")
    page.get_by_label("Height (px)").fill("180")
    page.get_by_label("Frames a second").fill("10")
    page.locator("#v4-seconds").fill("2")  # the credits

    # The still goes first by dragging its handle onto the title card, then one down by
    # keyboard (Alt+ArrowDown on its handle): before the clip.
    handle = page.locator("#item-v3 [data-handle]")
    expect(handle).to_have_accessible_name("Move still 3")
    _drag(page, handle, page.locator("#item-v1"))
    expect(page.locator("[data-announce]")).to_have_text("Moved still 3 to position 1")
    handle.focus()
    page.keyboard.press("Alt+ArrowDown")
    expect(page.locator("[data-announce]")).to_have_text("Moved still 1 to position 2")
    expect(handle).to_be_focused()
    expect(handle).to_have_accessible_name("Move still 2")
    order = items.evaluate_all("els => els.map(el => el.dataset.kind)")
    assert order == ["title", "still", "clip", "credits"]

    # Trim the clip at the playhead: in at 0.5 s, out at 1.5 s.
    _at_playhead(page, "item-v2", 0.5)
    page.get_by_role("button", name="Set in (clip 3)").click()
    expect(page.locator("#v2-in")).to_have_value("0.5")
    _at_playhead(page, "item-v2", 1.5)
    page.get_by_role("button", name="Set out (clip 3)").click()
    expect(page.locator("#v2-out")).to_have_value("1.5")
    page.get_by_label("Note for this revision (optional)").fill("Trimmed the walk")
    page.get_by_role("button", name="Save").first.click()
    expect(page.get_by_text(re.compile(r"Saved: revision \d+\."))).to_be_visible()
    check_a11y(page)
    page.screenshot(path=str(SHOTS / "timeline-editor-1280.png"), full_page=True)

    with worker.server_held():
        timeline = Timeline.objects.get()
        saved = timeline.revisions.first().document
    assert [i["type"] for i in saved["video"]] == ["title", "still", "clip", "credits"]
    assert saved["video"][2] == {
        "type": "clip",
        "record": walk.pk,
        "in": 0.5,
        "out": 1.5,
        "fit": "fit",
    }
    assert saved["output"] == {"width": 320, "height": 180, "fps": 10}

    # A draft, followed live, then played.
    page.get_by_role("button", name="Draft render (360p)").click()
    expect(page.locator("#render-said")).to_contain_text("Draft (360p, quick) render of revision")
    player = page.locator("#renders video")
    expect(player).to_have_count(1, timeout=RENDER_WAIT)
    with worker.server_held():
        draft = Render.objects.get(quality="draft")
    assert draft.state == "ready", draft.failure_reason
    player.evaluate("v => { v.muted = true; return v.play(); }")
    page.wait_for_function(
        "v => v.readyState >= 2 && v.currentTime > 0.2", arg=player.element_handle()
    )

    # The final render: the production's first version, its credits and its sources.
    page.get_by_role("button", name="Final render").click()
    version = page.get_by_role("link", name="Version 1 of The walk home")
    expect(version).to_be_visible(timeout=RENDER_WAIT)
    check_a11y(page)
    page.get_by_role("link", name="Its credits").click()
    expect(page.get_by_role("heading", name="Credits")).to_be_visible()
    for record in (walk, city, score):
        expect(page.get_by_role("link", name=record.title, exact=True)).to_be_visible()
        expect(page.locator("main")).to_contain_text(f"{record.title} (#{record.pk})")
    # Each clip in the credits' attributions, with where it plays and the range used.
    attributions = page.locator("input.attribution").evaluate_all("els => els.map(e => e.value)")
    for used in (
        "(used: video 3 0:06–0:07, 0.5–1.5 s of it)",
        "(used: video 2 0:03–0:06)",
        "(used: audio 1.1 0:00–0:03, 0–3 s of it)",
    ):
        assert any(text.endswith(used) for text in attributions), (used, attributions)
    check_a11y(page)
    with worker.server_held():
        production = Timeline.objects.select_related("production").get().production

    # The final render plays on the production's page, once processed like any upload.
    page.goto(f"{base}/records/{production.record_id}")
    for _ in range(60):
        if page.locator("main video").count():
            break
        page.wait_for_timeout(1000)
        page.reload()
    film = page.locator("main video").first
    film.evaluate("v => { v.muted = true; return v.play(); }")
    page.wait_for_function(
        "v => v.readyState >= 2 && v.currentTime > 0.2", arg=film.element_handle()
    )
    page.goto(f"{base}/records/{production.record_id}/sources/all")
    # Where each plays in the film (title 3 s, still 3 s, clip 1 s, credits 2 s) and the
    # range of the source used.
    sources = page.locator("main")
    expect(sources).to_contain_text("video 3 0:06–0:07 · 0.5–1.5 s")
    expect(sources).to_contain_text("video 2 0:03–0:06")
    expect(sources).to_contain_text("audio 1.1 0:00–0:03 · 0–3 s")
    check_a11y(page)

    # The editor on a phone: nothing sideways.
    context = browser.new_context(**PHONE)
    phone = context.new_page()
    _sign_in(phone, base, "hana")
    phone.goto(f"{base}/timelines/{timeline.pk}/")
    expect(phone.get_by_role("heading", name="The walk home", level=1)).to_be_visible()
    _no_sideways_scroll(phone)
    check_a11y(phone)
    phone.screenshot(path=str(SHOTS / "timeline-editor-390.png"), full_page=True)
    phone.goto(f"{base}/timelines/{timeline.pk}/revisions")
    _no_sideways_scroll(phone)
    context.close()
