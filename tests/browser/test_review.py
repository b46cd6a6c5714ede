"""The review grid from the keyboard alone, in Chromium: scores and decisions change the
entries in place, focus and order stay put until the reviewer re-sorts, and what goes
wrong is said on the entry and in the live region."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, Route, expect

from ensemble.accounts.testing import PASSWORD, make_user
from ensemble.lineage.testing import bare_record
from ensemble.projects import services
from ensemble.projects.models import Call, Entry
from ensemble.projects.testing import make_call, make_project

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _call_with_entries(*names: str) -> tuple[Call, list[int]]:
    leader = make_user("leader", display_name="Lea Der")
    call = make_call(make_project(leader), accepted_kinds=["image"])
    for name in names:
        person = make_user(name)
        drawing = bare_record(person, kind="image", title=f"{name}'s turnip")
        services.submit_entry(call, by=person, record=drawing)
    return call, list(Entry.objects.order_by("pk").values_list("pk", flat=True))


def _open_review(page: Page, base: str, call: Call) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username or email").fill("leader")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Sign in")).to_have_count(0)  # signed in
    page.goto(f"{base}/calls/{call.pk}/review")
    # A reload would drop this: it proves every change below happened in place.
    page.evaluate("window.sameReviewPage = true")


def _order(page: Page) -> list[str]:
    return page.locator("#review-grid [data-entry]").evaluate_all(
        "cards => cards.map(card => card.dataset.entry)"
    )


def _still_the_same_page(page: Page) -> bool:
    return bool(page.evaluate("window.sameReviewPage === true"))


def test_a_leader_reviews_by_keyboard_in_place(page, live_server, check_a11y):
    call, (ann, ben, cat, dan, eve) = _call_with_entries("ann", "ben", "cat", "dan", "eve")
    _open_review(page, live_server.url, call)
    check_a11y(page)
    order = _order(page)
    assert order == [str(ann), str(ben), str(cat), str(dan), str(eve)]  # least reviewed first
    status = page.locator("#review-status")

    page.keyboard.press("j")  # onto the first entry
    expect(page.locator(f"#entry-{ann}")).to_be_focused()
    page.keyboard.press("4")
    expect(status).to_have_text("“ann's turnip”: your score is 4 of 5.")
    expect(page.locator(f"#entry-{ann}")).to_contain_text("1 score (mean 4.0)")
    expect(page.locator(f"#entry-{ann}")).to_be_focused()  # still on it: the next key works

    page.keyboard.press("ArrowDown")
    page.keyboard.press("s")  # shortlists the entry it is on
    expect(status).to_contain_text("“ben's turnip”: shortlisted. 1 entry updated.")
    expect(page.locator("#review-tally")).to_contain_text("Shortlisted (1)")
    expect(page.locator(f"#entry-{ben}")).to_be_focused()

    page.keyboard.press("Tab")  # into the entry: its checkbox
    expect(page.locator(f"#pick-{ben}")).to_be_focused()
    page.keyboard.press("2")  # keys work from inside the entry too
    expect(page.locator(f"#entry-{ben}")).to_contain_text("Shortlisted · 1 score (mean 2.0)")
    expect(page.locator(f"#pick-{ben}")).to_be_focused()

    # Choose two with x, select both at once: the choice is cleared once it is done.
    page.keyboard.press("x")
    page.keyboard.press("k")
    page.keyboard.press("x")
    expect(page.locator("#review-grid input[name=entry]:checked")).to_have_count(2)
    page.keyboard.press("a")
    expect(status).to_have_text("2 entries updated. They are selected.")
    expect(page.locator("#review-grid input[name=entry]:checked")).to_have_count(0)
    expect(page.locator(f"#entry-{ann}")).to_be_focused()

    # Keys pressed faster than the server answers are carried out, in order.
    for key in ("j", "j", "5", "d", "j", "1"):
        page.keyboard.press(key)
    expect(page.locator(f"#entry-{dan}")).to_contain_text("1 score (mean 1.0)")
    expect(page.locator(f"#entry-{cat}")).to_contain_text("Declined · 1 score (mean 5.0)")
    expect(page.locator(f"#entry-{dan}")).to_be_focused()

    # Tab to a score button and press it: focus comes back to that button, new as it is.
    for key in ("Tab", "Tab", "Tab", "Tab"):  # the checkbox, the record's link, 1, 2
        page.keyboard.press(key)
    two = page.locator(f"#entry-{dan}").get_by_role("button", name="Score 2 of 5")
    expect(two).to_be_focused()
    page.keyboard.press("Enter")  # a second score by the same reviewer replaces the first
    expect(page.locator(f"#entry-{dan}")).to_contain_text("1 score (mean 2.0)")
    expect(two).to_be_focused()

    assert _order(page) == order  # nothing moved while reviewing
    assert _still_the_same_page(page)
    states = dict(Entry.objects.values_list("pk", "state"))
    assert states == {
        ann: "selected",
        ben: "selected",
        cat: "declined",
        dan: "submitted",
        eve: "submitted",
    }
    totals = dict(Entry.objects.values_list("pk", "score_total"))
    assert totals == {ann: 4, ben: 2, cat: 5, dan: 2, eve: 0}
    check_a11y(page)

    # Re-sorting is the reviewer's call: r reloads, least reviewed first.
    page.keyboard.press("r")
    expect(page.locator("#review-grid [data-entry]").first).to_have_id(f"entry-{eve}")
    assert _order(page) == [str(eve), str(ann), str(ben), str(cat), str(dan)]
    assert not _still_the_same_page(page)


def test_refusals_and_failures_are_said_on_the_entry(page, live_server, check_a11y):
    call, (ann, ben) = _call_with_entries("ann", "ben")
    _open_review(page, live_server.url, call)
    status = page.locator("#review-status")

    # Ann withdraws after the page was loaded; deciding on her entry is refused.
    services.withdraw_entry(Entry.objects.get(pk=ann), by=Entry.objects.get(pk=ann).entrant)
    page.keyboard.press("j")
    page.keyboard.press("s")
    refusal = "A withdrawn entry cannot be reviewed."
    expect(status).to_have_text(refusal)
    expect(page.locator(f"#entry-{ann}-error")).to_have_text(refusal)
    expect(page.locator(f"#entry-{ann}")).to_contain_text("Withdrawn")  # as it is now
    expect(page.locator(f"#entry-{ann}")).to_be_focused()
    check_a11y(page)

    # A throttle in front of the site (a proxy's 429): nothing saved, and said so.
    def throttled(route: Route) -> None:
        route.fulfill(status=429, headers={"Retry-After": "30"}, body="Slow down")

    page.route("**/entries/*/score*", throttled)
    page.keyboard.press("j")
    page.keyboard.press("3")
    too_many = "Not saved: too many changes at once. Try again in 30 seconds."
    expect(status).to_have_text(too_many)
    expect(page.locator(f"#entry-{ben}-error")).to_have_text(too_many)
    page.unroute("**/entries/*/score*")
    page.keyboard.press("3")  # tried again: saved, and the message goes
    expect(page.locator(f"#entry-{ben}")).to_contain_text("1 score (mean 3.0)")
    expect(page.locator(f"#entry-{ben}-error")).to_have_count(0)

    # The call closed meanwhile: a late decision is refused, where the reviewer is.
    services.set_call_status(call, by=call.project.owner, status="closed")
    page.keyboard.press("a")
    expect(page.locator(f"#entry-{ben}-error")).to_have_text(
        "The call is closed: its decisions are final."
    )
    expect(page.locator(f"#entry-{ben}")).to_be_focused()

    # Signed out meanwhile (in another tab, say): nothing saved, and said so.
    page.context.clear_cookies()
    page.keyboard.press("5")
    expect(page.locator(f"#entry-{ben}-error")).to_have_text(
        "Not saved: you are signed out. Reload the page and sign in."
    )
    assert _still_the_same_page(page)
    assert dict(Entry.objects.values_list("pk", "state")) == {ann: "withdrawn", ben: "submitted"}
    assert Entry.objects.get(pk=ben).score_total == 3
    # The refusals and the throttle were meant; nothing else may have gone wrong.
    page.problems[:] = [  # type: ignore[attr-defined]
        p
        for p in page.problems  # type: ignore[attr-defined]
        if not p.startswith(("409 for", "429 for", "403 for"))
    ]


def test_without_javascript_the_grid_is_forms_that_come_back_to_the_same_view(browser, live_server):
    call, (ann, ben) = _call_with_entries("ann", "ben")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username or email").fill("leader")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/calls/{call.pk}/review?state=submitted")
    page.locator(f"#entry-{ann}").get_by_role("button", name="Score 4 of 5").click()
    expect(page).to_have_url(
        f"{live_server.url}/calls/{call.pk}/review?state=submitted#entry-{ann}"
    )
    page.locator(f"#pick-{ben}").check()
    page.get_by_label("Decision for the chosen entries").select_option("shortlisted")
    page.get_by_role("button", name="Decide").click()
    expect(page.get_by_text("1 entry updated.")).to_be_visible()
    expect(page).to_have_url(
        f"{live_server.url}/calls/{call.pk}/review?state=submitted#entry-{ben}"
    )
    assert dict(Entry.objects.values_list("pk", "state")) == {ann: "submitted", ben: "shortlisted"}
    assert Entry.objects.get(pk=ann).score_total == 4
    context.close()
