"""Whole members' pages, kept for one member in one browser (core/memberpages.py): served
again only to that browser, the same page as rendered, renewed at the commit of any write
to what pages show and by a new notification, never past a deadline the page names, and
never kept when it carries a message, a new CSRF secret or an htmx part."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ensemble.accounts import blocks
from ensemble.community.services import comments, lists
from ensemble.core import memberpages
from ensemble.core.tests.fragmenting import BROWSERS, committed, get, same_page
from ensemble.notifications.services import notify
from ensemble.projects.testing import make_call, make_project
from ensemble.records import takedown
from ensemble.records.testing import make_record

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fragments_on")]

KEPT = memberpages.HEADER


@pytest.fixture
def poem(bob):
    return committed(lambda: make_record(bob, text="Turnips at dawn", title="Dawn", publish=True))


def _visited_again(user, path):
    """The page as `user`'s browser gets it once kept: its first visit on the site gets
    its CSRF cookie (that page's tokens come from a new secret, so it is not kept), the
    second keeps it."""
    for _ in range(2):
        assert get(user, path).status_code == 200
    return get(user, path)


def test_a_second_visit_is_served_whole_and_is_the_page_as_rendered(poem, alice, settings):
    path = f"/records/{poem.pk}"
    assert _visited_again(alice, path)[KEPT] == "member-hit"
    same_page(alice, path, settings)  # kept (with its tokens' masks) == rendered now


@pytest.mark.parametrize("path", ["/records/{poem}", "/@bob/", "/feed", "/notifications/", "/"])
def test_a_kept_page_costs_the_same_few_statements_whatever_the_page(poem, alice, path):
    path = path.format(poem=poem.pk)
    assert _visited_again(alice, path)[KEPT] == "member-hit"
    with CaptureQueriesContext(connection) as done:
        assert get(alice, path)[KEPT] == "member-hit"
    # The session, the member, their notifications' stamp and the generation.
    assert len(done) == 4


def test_never_served_to_another_member_or_a_visitor(alice, bob):
    committed(lambda: make_record(alice, text="Not yet", title="A secret draft"))
    assert "A secret draft" in _visited_again(alice, "/@alice/").content.decode()
    for who in (bob, None):
        page = get(who, "/@alice/")
        assert page.get(KEPT) != "member-hit"
        assert "A secret draft" not in page.content.decode()


def test_the_same_member_in_another_browser_gets_a_page_of_its_own(poem, alice):
    path = f"/records/{poem.pk}"
    assert _visited_again(alice, path)[KEPT] == "member-hit"
    other = Client()
    other.force_login(alice)  # another session, and another CSRF cookie
    assert other.get(path).get(KEPT) != "member-hit"


def test_a_comment_is_on_the_kept_page_at_its_commit(poem, alice, carol):
    path = f"/records/{poem.pk}"
    assert _visited_again(alice, path)[KEPT] == "member-hit"
    committed(lambda: comments.add(carol, poem, "Lovely turnips"))
    page = get(alice, path)
    assert page[KEPT] == "member-miss"
    assert "Lovely turnips" in page.content.decode()


def test_a_record_hidden_is_never_served_from_what_was_kept(poem, alice):
    path = f"/records/{poem.pk}"
    assert _visited_again(alice, path)[KEPT] == "member-hit"
    committed(lambda: takedown.hide(poem, "copyright"))
    assert get(alice, path).status_code == 404


def test_a_block_renews_the_kept_page(poem, alice, bob):
    assert _visited_again(alice, "/@bob/")[KEPT] == "member-hit"
    committed(lambda: blocks.block(bob, alice))
    assert get(alice, "/@bob/").get(KEPT) != "member-hit"


def test_a_new_notification_renews_the_header_count(poem, alice, bob):
    path = f"/records/{poem.pk}"
    assert _visited_again(alice, path)[KEPT] == "member-hit"
    # Notifications are not a table the generation watches: the stamp renews the page.
    committed(lambda: notify(alice, "new_follower", actor=bob))
    page = get(alice, path)
    assert page[KEPT] == "member-miss"
    assert '1<span class="visually-hidden"> unread</span>' in page.content.decode()


def test_a_message_is_shown_once_and_never_kept(poem, alice):
    hers = committed(lambda: lists.create(alice, title="Favourites"))
    path = f"/records/{poem.pk}"
    assert _visited_again(alice, path)[KEPT] == "member-hit"
    browser = BROWSERS[alice.pk]
    # Refused (a note too long): a message, and no write, so nothing renews the page.
    browser.post("/lists/add", {"list": hers.pk, "record": poem.pk, "note": "x" * 501})
    shown = browser.get(path)
    assert shown.get(KEPT) is None
    assert "A note can be at most 500 characters." in shown.content.decode()
    after = browser.get(path)  # shown once: the kept page, without it
    assert after[KEPT] == "member-hit"
    assert "A note can be at most 500 characters." not in after.content.decode()


def test_what_is_never_kept(poem, alice):
    path = f"/records/{poem.pk}"
    fresh = Client()
    fresh.force_login(alice)
    # A browser without a CSRF cookie yet: its page's tokens come from a new one.
    assert fresh.get(path).get(KEPT) is None
    assert fresh.get(path)[KEPT] == "member-miss"
    assert fresh.get(path, headers={"HX-Request": "true"}).get(KEPT) is None
    assert fresh.get(path)[KEPT] == "member-hit"


def test_a_forged_session_is_a_visitor_and_gets_nothing_kept(poem, alice):
    path = f"/records/{poem.pk}"
    assert _visited_again(alice, path)[KEPT] == "member-hit"
    forger = Client()
    for value in ("x" * 32, "' OR 1=1 --", ""):
        forger.cookies["sessionid"] = value
        page = forger.get(path)
        assert page.get(KEPT) != "member-hit"
        assert "Sign out" not in page.content.decode()


def test_a_call_page_is_never_served_past_its_deadline(alice, bob, monkeypatch):
    call = committed(
        lambda: make_call(make_project(bob), deadline=timezone.now() + timedelta(minutes=1))
    )
    path = f"/calls/{call.pk}"
    assert _visited_again(alice, path)[KEPT] == "member-hit"
    later = memberpages._now() + 61
    monkeypatch.setattr(memberpages, "_now", lambda: later)
    assert get(alice, path)[KEPT] == "member-miss"


def test_a_kept_page_ages_out(poem, alice, monkeypatch, settings):
    path = f"/records/{poem.pk}"
    assert _visited_again(alice, path)[KEPT] == "member-hit"
    later = memberpages._now() + settings.MEMBER_PAGE_SECONDS + 1
    monkeypatch.setattr(memberpages, "_now", lambda: later)
    assert get(alice, path)[KEPT] == "member-miss"


def test_off_when_its_setting_is_zero(poem, alice, settings):
    settings.MEMBER_PAGE_SECONDS = 0
    path = f"/records/{poem.pk}"
    assert _visited_again(alice, path).get(KEPT) is None


def test_signing_out_and_in_as_another_member_in_the_same_browser(alice, bob):
    committed(lambda: make_record(alice, text="Not yet", title="A secret draft"))
    assert "A secret draft" in _visited_again(alice, "/@alice/").content.decode()
    browser = BROWSERS[alice.pk]
    browser.post("/accounts/logout/")
    browser.force_login(bob)
    page = browser.get("/@alice/")
    assert page.get(KEPT) != "member-hit"
    assert "A secret draft" not in page.content.decode()
