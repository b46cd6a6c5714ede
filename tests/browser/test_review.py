"""The review grid from the keyboard, in Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from ensemble.accounts.testing import PASSWORD, make_user
from ensemble.lineage.testing import bare_record
from ensemble.projects import services
from ensemble.projects.models import Entry
from ensemble.projects.testing import make_call, make_project


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_leader_reviews_from_the_keyboard(page, live_server, check_a11y):
    leader = make_user("leader", display_name="Lea Der")
    call = make_call(make_project(leader), accepted_kinds=["image"])
    for name in ("ann", "ben"):
        person = make_user(name)
        drawing = bare_record(person, kind="image", title=f"{name}'s turnip")
        services.submit_entry(call, by=person, record=drawing)

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username or email").fill("leader")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("details.menu > summary")).to_be_visible()  # signed in
    page.goto(f"{live_server.url}/calls/{call.pk}/review")
    check_a11y(page)

    page.keyboard.press("j")  # the first entry
    page.keyboard.press("4")  # scores it (the page reloads)
    # Wait for the reloaded page: a key pressed before it arrives would be lost, or its
    # form would cut the score's request short.
    expect(page.get_by_text("1 score (mean 4.0)")).to_be_visible()
    page.keyboard.press("j")
    page.keyboard.press("s")  # shortlists the focused entry
    page.wait_for_url(f"**/calls/{call.pk}/review")
    page.get_by_text("1 entry updated.").wait_for()
    states = sorted(Entry.objects.values_list("state", flat=True))
    assert states == ["shortlisted", "submitted"]
    assert sum(Entry.objects.values_list("score_count", flat=True)) == 1
