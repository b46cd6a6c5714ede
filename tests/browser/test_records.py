"""Records in a real browser: upload several files, watch them process, play, zoom, publish.

A worker runs beside the live server, as in production. The test database is SQLite in
memory, which the live server shares with this process as one connection: the worker
thread uses that connection too, and a lock lets one of them (a request or a batch of
tasks) use it at a time, so their transactions never interleave. The lock also lets a
test hold the server still, to see an upload while it is in flight.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Response, expect

from ensemble.accounts.testing import PASSWORD
from ensemble.records.models import Record
from ensemble.records.tests.samples.av import write_audio, write_video
from ensemble.records.tests.samples.images import picture
from tests.browser.conftest import TaskWorker

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TRANSACTIONAL = pytest.mark.django_db(transaction=True, serialized_rollback=True)
PROCESSING_TIMEOUT = 30_000  # ms; processing the files below takes about a second


def asked_for(response: Response) -> str:
    """The address the page asked for, before any redirect."""
    request = response.request
    while request.redirected_from is not None:
        request = request.redirected_from
    return request.url


def _sign_in(page: Page, base: str) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("Username or email").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("details.menu > summary")).to_be_visible()  # signed in


def _screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"records-{name}.png"), full_page=True)


def _png(path: Path) -> Path:
    picture((320, 240)).save(path, "PNG")
    return path


def _row(page: Page, name: str) -> Any:
    """One file's row in the upload list, found by the file's name or its record's title."""
    return page.locator(".upload-item").filter(has_text=name)


def _record_id(page: Page, title: str) -> int:
    href = _row(page, title).get_by_role("link", name=title).get_attribute("href")
    match = re.fullmatch(r"/records/(\d+)", href or "")
    assert match, href
    return int(match.group(1))


@TRANSACTIONAL
def test_upload_process_play_zoom_and_publish(
    page: Page,
    browser: Browser,
    live_server: Any,
    alice: Any,
    worker: TaskWorker,
    check_a11y: Callable[[Page], None],
    tmp_path: Path,
) -> None:
    base = live_server.url
    files = [
        _png(tmp_path / "sunset.png"),
        write_audio(tmp_path / "tone.wav", seconds=2, rate=22050, channels=1),
        write_video(tmp_path / "clip.mp4", seconds=2, size=(160, 120), fps=12),
    ]
    titles = {"sunset.png": "sunset", "tone.wav": "tone", "clip.mp4": "clip"}

    _sign_in(page, base)
    page.goto(base + "/records/new")
    expect(page.get_by_role("heading", name="Upload your work")).to_be_visible()
    check_a11y(page)

    # While the server is held, every file is in the list with its own progress bar.
    with worker.paused():
        with worker.server_held():
            page.locator("#id_file").set_input_files(files)
            for name in titles:
                expect(_row(page, name).get_by_role("progressbar")).to_have_accessible_name(
                    f"Uploading {name}"
                )
        # Uploaded, then shown as waiting for the (paused) worker, live.
        for title in titles.values():
            row = _row(page, title)
            expect(row.get_by_role("link", name=title)).to_be_visible()
            expect(row.get_by_role("status")).to_contain_text("Waiting to be processed")
        expect(page.locator(".upload-item progress.upload-item__bar")).to_have_count(0)
        _screenshot(page, "uploading")
    for title in titles.values():
        expect(_row(page, title).get_by_role("status")).to_have_text(
            "Ready", timeout=PROCESSING_TIMEOUT
        )
    _screenshot(page, "uploaded")
    ids = {title: _record_id(page, title) for title in titles.values()}
    with worker.server_held():
        kinds = dict(Record.objects.filter(pk__in=ids.values()).values_list("title", "kind"))
    assert kinds == {"sunset": "image", "tone": "audio", "clip": "video"}

    # The video: a poster, plays, seeks; the browser fetched it in ranges.
    # Media answers, each by the address the page asked for: the site's signed link, also
    # when it redirects to the bucket that then answers (files in S3).
    media: list[tuple[str, Response]] = []
    page.on("response", lambda r: media.append((asked_for(r), r)))
    page.goto(f"{base}/records/{ids['clip']}")
    video = page.locator("video")
    expect(video).to_be_visible()
    page.wait_for_function("v => v.readyState >= 1 && v.duration > 1.5", arg=video.element_handle())
    check_a11y(page)
    video.click()  # a user gesture, so play() is allowed
    video.evaluate("v => v.play()")
    page.wait_for_function("v => v.currentTime > 0.2", arg=video.element_handle())
    landed = video.evaluate(
        """v => new Promise(resolve => {
            v.pause();
            v.addEventListener("seeked", () => resolve(v.currentTime), { once: true });
            v.currentTime = 1.0;
        })"""
    )
    assert abs(landed - 1.0) < 0.1, landed
    source = video.locator("source").get_attribute("src")
    assert source
    assert any(r.status == 206 and source in url for url, r in media), [
        (r.status, url) for url, r in media
    ]
    poster = base + (video.get_attribute("poster") or "")
    assert any(url == poster and r.ok for url, r in media), "the poster was never loaded"
    _screenshot(page, "video")

    # The audio: player.js swaps the waveform picture for a canvas; metadata loads.
    page.goto(f"{base}/records/{ids['tone']}")
    expect(page.locator(".waveform canvas.waveform__canvas")).to_have_count(1)
    audio = page.get_by_label("Play tone")
    page.wait_for_function("a => a.duration > 1.5", arg=audio.element_handle())

    # The image: shown; selecting it opens the zoom dialog, Escape closes it.
    page.goto(f"{base}/records/{ids['sunset']}")
    image = page.get_by_role("img", name="sunset")
    expect(image).to_be_visible()
    page.wait_for_function("i => i.complete && i.naturalWidth > 0", arg=image.element_handle())
    image.click()
    dialog = page.get_by_role("dialog", name="Full-size image")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("img", name="sunset")).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)

    # Publish the image; a stranger then finds it, but never the draft video's file.
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Published: everyone can see it now.")).to_be_visible()
    expect(page.get_by_role("button", name="Publish")).to_have_count(0)
    draft_media = base + source
    assert page.request.get(draft_media).status == 200  # alice may
    stranger = browser.new_context()
    try:
        browse = stranger.new_page()
        browse.goto(base + "/records/")
        expect(browse.locator(f'a[href="/records/{ids["sunset"]}"]').first).to_be_visible()
        expect(browse.get_by_role("link", name="sunset").first).to_be_visible()
        for draft in ("clip", "tone"):
            expect(browse.locator(f'a[href="/records/{ids[draft]}"]')).to_have_count(0)
        assert stranger.request.get(draft_media).status == 404
        assert stranger.request.get(f"{base}/records/{ids['clip']}").status == 404
    finally:
        stranger.close()


@TRANSACTIONAL
def test_write_a_text_and_see_it_rendered(
    page: Page, live_server: Any, alice: Any, worker: TaskWorker
) -> None:
    base = live_server.url
    _sign_in(page, base)
    page.goto(base + "/records/write")
    page.get_by_label("Title").fill("Ode to turnips")
    page.get_by_label("Body").fill(
        "Turnips are **round** and *patient*.\n\n- roots\n- leaves\n\n[more](https://example.org)"
    )
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("heading", name="Ode to turnips")).to_be_visible()
    # The page reloads itself once the worker has rendered the text.
    text = page.locator(".record__text")
    expect(text.locator("strong")).to_have_text("round", timeout=PROCESSING_TIMEOUT)
    expect(text.locator("em")).to_have_text("patient")
    expect(text.get_by_role("listitem")).to_have_text(["roots", "leaves"])
    expect(text.get_by_role("link", name="more")).to_have_attribute("href", "https://example.org")
    expect(text).not_to_contain_text("**")


@TRANSACTIONAL
def test_refused_files_show_the_servers_reason_in_their_row(
    page: Page, live_server: Any, alice: Any, worker: TaskWorker
) -> None:
    base = live_server.url
    _sign_in(page, base)
    page.goto(base + "/records/new")
    page.locator("#id_file").set_input_files(
        [
            {
                "name": "drawing.svg",
                "mimeType": "image/svg+xml",
                "buffer": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
                b'<circle r="4"/></svg>',
            },
            {"name": "nothing.png", "mimeType": "image/png", "buffer": b""},
        ]
    )
    svg = _row(page, "drawing.svg").get_by_role("alert")
    expect(svg).to_have_text(
        "SVG files are not accepted because they can carry scripts; export the drawing as PNG."
    )
    expect(_row(page, "nothing.png").get_by_role("alert")).to_have_text("The file is empty.")
    expect(page.locator(".upload-item progress")).to_have_count(0)
    expect(page.locator(".upload-item a")).to_have_count(0)  # no link to a record
    time.sleep(0.5)  # a worker pass, in case anything had been queued
    with worker.server_held():
        assert Record.objects.count() == 0
    # The refusals are this test's point, not errors of the page: the page fixture
    # would otherwise report them.
    problems: list[str] = page.problems  # type: ignore[attr-defined]
    refusals = [p for p in problems if "/api/v1/resumable/" in p]
    assert sorted(p.split()[0] for p in refusals) == ["415", "422"], problems
    problems[:] = [p for p in problems if p not in refusals]


@TRANSACTIONAL
def test_an_upload_cut_off_mid_way_resumes_where_it_stopped(
    page: Page, live_server: Any, alice: Any, worker: TaskWorker, tmp_path: Path, settings: Any
) -> None:
    """The network drops during the second piece: the page asks the server how much
    arrived and sends only the rest; then a file we do not take is refused, saying why."""
    from ensemble.records.models import ResumableUpload
    from ensemble.records.tests.test_resumable import PNG

    settings.RESUMABLE_CHUNK_BYTES = 32 * 1024  # some 100 KB: four pieces
    base = live_server.url
    seen: list[str] = []
    cut = {"done": False}

    def network(route: Any) -> None:
        request = route.request
        seen.append(request.method)
        if request.method == "PATCH" and seen.count("PATCH") == 2 and not cut["done"]:
            cut["done"] = True
            route.abort("connectionreset")  # the line drops mid-upload
            return
        route.continue_()

    _sign_in(page, base)
    page.route("**/api/v1/resumable/**", network)
    page.goto(base + "/records/new")
    (tmp_path / "noise.png").write_bytes(PNG)
    page.locator("#id_file").set_input_files(str(tmp_path / "noise.png"))
    expect(_row(page, "noise").get_by_role("link", name="noise")).to_be_visible(timeout=20_000)

    assert cut["done"]
    after_cut = seen[seen.index("PATCH") + 2 :]  # what followed the cut piece
    assert after_cut[0] == "HEAD", seen  # asked where it stood, did not start over
    assert seen.count("POST") == 1, seen
    upload = ResumableUpload.objects.get()
    assert (upload.offset, upload.state) == (len(PNG), "complete")
    assert Record.objects.get().title == "noise"

    junk = tmp_path / "setup.exe"
    junk.write_bytes(b"MZ\x90\x00" + bytes(range(256)) * 200)
    page.locator("#id_file").set_input_files(str(junk))
    expect(_row(page, "setup.exe").get_by_role("alert")).to_have_text("Programs are not accepted.")
    assert Record.objects.count() == 1
    problems: list[str] = page.problems  # type: ignore[attr-defined]
    refusal = [p for p in problems if p.startswith("415 for") and "/api/v1/resumable/" in p]
    assert len(refusal) == 1  # the refusal the row shows, expected: not a problem
    problems.remove(refusal[0])
