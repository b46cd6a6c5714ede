"""Remixing in a real browser: "Remix this", the credit line, the remix tree, the credits.

Carol wrote a text, Bob's picture uses it, and Alice remixes Bob's picture: she uploads
her file from the page "Remix this" opens, the page's script cites Bob's work once the
record exists, and the worker (see conftest.py) processes the file. Then she follows her
work's lineage up the tree, downloads its credits as JSON-LD, and is refused a loop.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from ensemble.accounts.testing import PASSWORD
from ensemble.lineage.models import Source
from ensemble.lineage.services import add_source
from ensemble.records.models import Record
from ensemble.records.testing import make_record
from ensemble.records.tests.samples.images import picture
from tests.browser.conftest import TaskWorker

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TRANSACTIONAL = pytest.mark.django_db(transaction=True, serialized_rollback=True)
PROCESSING_TIMEOUT = 30_000  # ms

CAROL_TITLE = "Salt Wind Sonnet"
BOB_TITLE = "Harbour at Dusk"
ALICE_TITLE = "Dusk Remixed"  # from the file's name: Dusk_Remixed.png
BY_SA = "https://creativecommons.org/licenses/by-sa/4.0/"


def _sign_in(page: Page, base: str) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("Username or email").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("details.menu > summary")).to_be_visible()  # signed in


def _screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"lineage-{name}.png"), full_page=True)


def _node(page: Page, title: str) -> Locator:
    """One work's box in the remix tree (an SVG link titled "<title> by <owner>")."""
    return page.locator("svg.tree a.tree__node").filter(
        has=page.locator("title", has_text=f"{title} by ")
    )


def _box_y(node: Locator) -> float:
    return float(node.locator("rect.tree__box").get_attribute("y") or "nan")


@TRANSACTIONAL
def test_remix_see_the_credit_line_walk_the_tree_and_download_the_credits(
    page: Page,
    live_server: Any,
    alice: Any,
    bob: Any,
    carol: Any,
    worker: TaskWorker,
    check_a11y: Callable[[Page], None],
    tmp_path: Path,
) -> None:
    base = live_server.url
    with worker.server_held():
        poem = make_record(
            carol,
            text="The wind comes in off the salt,\nand the harbour lights go on.",
            publish=True,
            title=CAROL_TITLE,
            licence="cc-by-4.0",
        )
        harbour = make_record(bob, publish=True, title=BOB_TITLE, licence="cc-by-sa-4.0")
        add_source(harbour, poem, by=bob, note="the poem's second line, as the scene")
    png = tmp_path / "Dusk_Remixed.png"
    picture((320, 240)).save(png, "PNG")

    # "Remix this" on Bob's page starts an upload with his work cited in advance.
    _sign_in(page, base)
    page.goto(f"{base}/records/{harbour.pk}")
    page.get_by_role("link", name="Remix this").click()
    expect(page).to_have_url(re.compile(rf"/records/new\?remix_of={harbour.pk}$"))
    cite = page.locator("fieldset[data-cite]")
    expect(cite.locator("legend")).to_have_text(f"Remixing “{BOB_TITLE}” by Bob Brass")
    expect(cite.get_by_role("radio", name=BOB_TITLE)).to_be_checked()
    expect(cite.get_by_role("radio", name="Uses it")).to_be_checked()
    expect(cite).to_contain_text("CC BY-SA 4.0 is chosen for you")
    expect(page.get_by_label("Licence")).to_have_value("cc-by-sa-4.0")  # share-alike
    check_a11y(page)

    note = "the harbour's outline, repainted at night"
    cite.get_by_label("What you used, or how it inspired you").fill(note)
    with page.expect_response(
        lambda r: r.request.method == "POST" and r.url.endswith("/sources")
    ) as cited:
        page.locator("#id_file").set_input_files(png)
    assert cited.value.status == 201, cited.value.text()
    row = page.locator(".upload-item").filter(has_text=ALICE_TITLE)
    expect(row.get_by_role("status")).to_have_text("Ready", timeout=PROCESSING_TIMEOUT)
    expect(row.get_by_role("alert")).to_have_count(0)  # the source was saved too
    href = row.get_by_role("link", name=ALICE_TITLE).get_attribute("href") or ""
    match = re.fullmatch(r"/records/(\d+)", href)
    assert match, href
    remix_id = int(match.group(1))
    with worker.server_held():
        remix = Record.objects.get(pk=remix_id)
        assert (remix.owner, remix.kind, remix.licence) == (alice, "image", "cc-by-sa-4.0")
        edge = Source.objects.get(derived=remix)
        assert (edge.source_id, edge.kind, edge.note) == (harbour.pk, "uses", note)
        assert edge.source_licence == "cc-by-sa-4.0"

    # Her record: the credit line names Bob's work and, further up, Carol's.
    page.goto(f"{base}/records/{remix_id}")
    expect(page.get_by_role("heading", name=ALICE_TITLE, level=1)).to_be_visible()
    line = page.locator(".credit-line")
    expect(line).to_have_text(
        f"remix of {BOB_TITLE} by Bob Brass · originally {CAROL_TITLE} by carol"
    )
    expect(line.get_by_role("link", name=BOB_TITLE)).to_have_attribute(
        "href", f"/records/{harbour.pk}"
    )
    expect(line.get_by_role("link", name=CAROL_TITLE)).to_have_attribute(
        "href", f"/records/{poem.pk}"
    )
    sources = page.get_by_role("region", name="Sources")
    item = sources.locator(".lineage-item")
    expect(item).to_have_count(1)
    expect(item.get_by_role("link", name=BOB_TITLE)).to_be_visible()
    expect(item).to_contain_text("by Bob Brass")
    expect(item.locator(".lineage-item__note")).to_contain_text(note)

    # The remix tree: Carol's text above Bob's picture above Alice's remix.
    sources.get_by_role("link", name="Remix tree").click()
    expect(page).to_have_url(f"{base}/records/{remix_id}/tree")
    expect(page.get_by_role("heading", name="Remix tree")).to_be_visible()
    svg = page.locator("svg.tree")
    expect(svg.locator("a.tree__node")).to_have_count(3)
    expect(svg.locator("path.tree__edge")).to_have_count(2)
    expect(_node(page, ALICE_TITLE)).to_have_class(re.compile(r"\btree__node--center\b"))
    ys = [_box_y(_node(page, title)) for title in (CAROL_TITLE, BOB_TITLE, ALICE_TITLE)]
    assert ys[0] < ys[1] < ys[2], ys
    expect(svg).to_have_accessible_name(f"Remix tree of {ALICE_TITLE}: 2 works above, 0 below")
    check_a11y(page)
    _screenshot(page, "tree")

    # Zoom with the keyboard on the focused frame: "+" narrows the viewBox, "0" resets it.
    frame = page.locator("[data-tree]")
    expect(frame).to_have_class(re.compile(r"\btree-frame--interactive\b"))  # tree.js ran
    home = svg.get_attribute("viewBox") or ""
    frame.focus()
    expect(frame).to_be_focused()
    page.keyboard.press("+")
    expect(svg).not_to_have_attribute("viewBox", home)
    zoomed = [float(n) for n in (svg.get_attribute("viewBox") or "").split()]
    full = [float(n) for n in home.split()]
    assert zoomed[2] < full[2], (home, zoomed)  # narrower
    assert zoomed[3] < full[3], (home, zoomed)  # and shorter
    page.keyboard.press("0")
    expect(svg).to_have_attribute("viewBox", home)

    # Selecting Bob's work centres the tree on it: Carol's above, Alice's below.
    _node(page, BOB_TITLE).click()
    expect(page).to_have_url(f"{base}/records/{harbour.pk}/tree?up=3&down=3")
    expect(_node(page, BOB_TITLE)).to_have_class(re.compile(r"\btree__node--center\b"))
    expect(svg).to_have_accessible_name(f"Remix tree of {BOB_TITLE}: 1 work above, 1 below")
    ys = [_box_y(_node(page, title)) for title in (CAROL_TITLE, BOB_TITLE, ALICE_TITLE)]
    assert ys[0] < ys[1] < ys[2], ys

    # Full credits, then the same as JSON-LD, downloaded.
    page.goto(f"{base}/records/{remix_id}")
    page.get_by_role("region", name="Sources").get_by_role("link", name="Full credits").click()
    expect(page).to_have_url(f"{base}/records/{remix_id}/credits")
    expect(page.get_by_role("heading", name="Credits", level=1)).to_be_visible()
    expect(page.locator(".credits")).to_contain_text("Bob Brass")
    expect(page.locator(".credits")).to_contain_text("carol")
    attribution = page.get_by_label(f"Attribution for {BOB_TITLE}")
    expect(attribution).to_have_value(
        re.compile(rf"^“{BOB_TITLE}” by Bob Brass, \S+/records/{harbour.pk}, CC BY-SA 4\.0$")
    )
    check_a11y(page)
    _screenshot(page, "credits")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download as JSON-LD").click()
    download = download_info.value
    assert download.suggested_filename == f"credits-{remix_id}.jsonld"
    credits = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert credits["@context"] == "https://schema.org"
    assert credits["@type"] == "VisualArtwork"
    assert credits["name"] == ALICE_TITLE
    assert credits["license"] == BY_SA
    assert [c["name"] for c in credits["creator"]] == ["Alice Archer"]
    based_on = credits["isBasedOn"]
    assert len(based_on) == 1
    assert based_on[0]["name"] == BOB_TITLE
    assert based_on[0]["creator"]["name"] == "Bob Brass"
    assert based_on[0]["license"] == BY_SA
    assert based_on[0]["description"] == note
    contributors = {c["name"] for c in credits["contributor"]}
    assert {"Bob Brass", "carol"} <= contributors, credits["contributor"]
    assert "Alice Archer" not in contributors  # she is the creator, not a contributor

    # A loop is refused: her own text, inspired by her remix, cannot become its source.
    with worker.server_held():
        reply = make_record(alice, text="Dusk, again.", title="Harbour Reply")
        add_source(reply, remix, by=alice, kind="inspired_by", note="the night palette")
    page.goto(f"{base}/records/{remix_id}")
    panel = page.get_by_role("region", name="Sources")
    panel.get_by_text("Cite a source").click()
    how = panel.get_by_role("group", name="How you used it")
    expect(how.get_by_role("radio", name="Uses", exact=True)).to_be_checked()
    panel.get_by_label("…or its number or address").fill(str(reply.pk))
    panel.get_by_label("Note", exact=True).fill("its palette")
    panel.get_by_role("button", name="Cite", exact=True).click()
    expect(page).to_have_url(f"{base}/records/{remix_id}#cite")
    expect(
        page.get_by_text(
            "That would make a loop: “Harbour Reply” already comes from this record "
            f"(“Harbour Reply” → “{ALICE_TITLE}”). A work cannot be its own ancestor."
        )
    ).to_be_visible()
    with worker.server_held():
        cited_ids = list(Source.objects.filter(derived=remix).values_list("source_id", flat=True))
    assert cited_ids == [harbour.pk]
    # Still one source (Bob's), and her text under "Used in".
    expect(page.get_by_role("region", name="Sources").locator(".lineage-item")).to_have_count(2)
