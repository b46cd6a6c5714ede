"""Community and discovery in Chromium: follow, feed, heart, comment with a mention,
the never-remixed filter, search by a word of a text, and a call suggestion after
publishing (issue 7's "done when"); then the open calls for her skills."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from ensemble.accounts.testing import PASSWORD, make_user
from ensemble.lineage import services as lineage
from ensemble.lineage.testing import bare_record
from ensemble.projects.testing import make_call, make_project
from ensemble.records import services as records
from ensemble.records.testing import make_record
from tests.browser.conftest import TaskWorker

TRANSACTIONAL = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@TRANSACTIONAL
def test_follow_feed_heart_comment_filter_search_and_suggest(
    page: Page, live_server: Any, worker: TaskWorker, check_a11y: Callable[[Page], None]
) -> None:
    base = live_server.url
    with worker.server_held():
        alice = make_user("alice", display_name="Alice Archer")
        bob = make_user("bob", display_name="Bob Brass")
        carol = make_user("carol", display_name="Carol Chalk")
        bare_record(carol, kind="image", title="Nobody built on me")
        famous = bare_record(carol, kind="image", title="Everybody built on me")
        lineage.add_source(
            bare_record(bob, kind="image", title="Built"), famous, by=bob, note="Used it."
        )
        poem = make_record(carol, text="Moonlight over the allotment sheds.", title="Night plot")
        records.publish(poem, by=carol)
        project = make_project(bob, title="Turnip film")
        make_call(project, title="Write a turnip poem", accepted_kinds=["text"])
        make_call(project, title="Compose a turnip march", accepted_kinds=["audio"])
        alice.set_skills(["writing"])

    page.goto(base + "/accounts/login/")
    page.get_by_label("Username or email").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # Alice follows Bob from his profile.
    page.goto(base + "/@bob/")
    page.get_by_role("button", name="Follow").click()
    expect(page.get_by_role("button", name="Following")).to_be_visible()
    check_a11y(page)

    # Bob publishes; Alice sees it in her feed and hearts it.
    with worker.server_held():
        fresh = bare_record(bob, kind="image", title="Fresh turnip sketch")
    page.get_by_role("link", name="Feed").click()
    page.get_by_role("link", name="Fresh turnip sketch").click()
    page.get_by_role("button", name="0 hearts: select to heart it").click()
    expect(page.get_by_role("button", name="1 heart, yours included")).to_be_visible()
    check_a11y(page)

    # She comments, mentioning Carol, who is told.
    page.get_by_label("Add a comment").fill("Lovely lines! @carol have a look.")
    page.get_by_role("button", name="Comment", exact=True).click()
    expect(page.locator(".comment")).to_contain_text("Lovely lines!")
    with worker.server_held():
        told = carol.notifications.get(kind="mentioned")
        assert told.actor == alice
        assert fresh.hearts.filter(user=alice).exists()

    # A record nobody has built on yet, through the filter.
    page.goto(base + "/records")
    page.get_by_label("Never remixed yet").check()
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("link", name="Nobody built on me")).to_be_visible()
    expect(page.get_by_role("link", name="Everybody built on me")).to_have_count(0)

    # A record found by a word from inside its text.
    page.get_by_role("link", name="Search").click()
    page.get_by_label("Search for").fill("allotment")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("mark").first).to_have_text("allotment")
    page.get_by_role("link", name="Night plot").click()
    expect(page.get_by_role("heading", name="Night plot")).to_be_visible()
    check_a11y(page)

    # Alice writes and publishes a poem; its page suggests the open call for poems.
    page.goto(base + "/records/write")
    page.get_by_label("Title").fill("Turnip sonnet")
    page.get_by_label("Body").fill("A turnip, round, in a poem of its own.")
    page.get_by_role("button", name="Save draft").click()
    publish = page.get_by_role("button", name="Publish")
    expect(publish).to_be_enabled(timeout=30_000)
    publish.click()
    suggestions = page.get_by_role("region", name="Open calls you could enter with this")
    expect(suggestions.get_by_role("link", name="Write a turnip poem")).to_be_visible()
    check_a11y(page)

    # The open calls asking for her skills (writing: calls for texts).
    page.get_by_role("link", name="Calls", exact=True).click()
    expect(page.get_by_role("link", name="Compose a turnip march")).to_be_visible()
    page.get_by_label("Only calls for my skills (Writing)").check()
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("link", name="Write a turnip poem")).to_be_visible()
    expect(page.get_by_role("link", name="Compose a turnip march")).to_have_count(0)
    check_a11y(page)
