"""A member's own fragments (core/fragments.py, `personal`): what only they may see (their
drafts on their profile, a leader's review grid) is kept for them alone, under a key
that names them. Never served to another member or a visitor, and renewed by the
commit of a write that changes it, as the shared fragments are."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.utils import timezone

from ensemble.accounts import blocks
from ensemble.accounts.testing import make_user
from ensemble.community.services import follows
from ensemble.core.tests.fragmenting import committed, get, same_page, statements
from ensemble.lineage.testing import bare_record
from ensemble.notifications import services as notification_services
from ensemble.notifications.services import notify
from ensemble.payments.models import Proposal
from ensemble.payments.services import ledger, proposals
from ensemble.payments.testing import pool_with_revenue, released_production
from ensemble.projects import services
from ensemble.projects.testing import make_call, make_project
from ensemble.records import services as records
from ensemble.records.testing import make_record

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fragments_on")]


@pytest.fixture
def drafts(alice):
    def make():
        make_record(alice, text="Out in the open", title="A published poem", publish=True)
        return make_record(alice, text="Not yet", title="A secret draft")

    return committed(make)


def test_a_members_own_profile_is_kept_for_them(drafts, alice, settings):
    get(alice, "/@alice/")  # kept for alice
    assert statements(alice, "/@alice/") < _rendered(alice, "/@alice/", settings)
    assert "A secret draft" in get(alice, "/@alice/").content.decode()
    same_page(alice, "/@alice/", settings)


def test_nobody_else_is_ever_served_a_members_own_profile(drafts, alice, bob):
    assert "A secret draft" in get(alice, "/@alice/").content.decode()  # kept for alice
    for who in (bob, None):
        page = get(who, "/@alice/").content.decode()
        assert "A published poem" in page
        assert "A secret draft" not in page


def test_a_new_draft_is_on_the_own_profile_at_once(drafts, alice):
    get(alice, "/@alice/")  # kept
    committed(lambda: make_record(alice, text="Later", title="A second draft"))
    assert "A second draft" in get(alice, "/@alice/").content.decode()


def test_a_draft_published_is_on_everyones_profile_at_once(drafts, alice, bob):
    get(alice, "/@alice/")
    get(bob, "/@alice/")  # both kept
    committed(lambda: records.publish(drafts, by=alice))
    assert "A secret draft" in get(bob, "/@alice/").content.decode()


# --- the review grid --------------------------------------------------------------------


@pytest.fixture
def review(alice, bob):
    def make():
        project = make_project(alice)
        services.add_leader(project, by=alice, user=bob)
        call = make_call(project, accepted_kinds=["image"])
        entries = []
        for name in ("ann", "ben"):
            person = make_user(name)
            drawing = bare_record(person, kind="image", title=f"{name.title()}'s turnip")
            entries.append(services.submit_entry(call, by=person, record=drawing))
        return call, entries

    return committed(make)


def test_the_review_grid_is_kept_for_each_leader_alone(review, alice, bob, carol, settings):
    call, _ = review
    path = f"/calls/{call.pk}/review"
    get(alice, path)  # kept for alice
    kept = statements(alice, path)
    assert kept < _rendered(alice, path, settings)
    first = statements(bob, path)  # not alice's: bob's own is rendered for him
    assert statements(bob, path) < first  # and kept for him
    assert get(carol, path).status_code == 404
    for who in (alice, bob):
        same_page(who, path, settings)


def test_a_score_renews_every_leaders_grid(review, alice, bob):
    call, (ann, _) = review
    path = f"/calls/{call.pk}/review"
    for who in (alice, bob):
        assert "0 scores" in get(who, path).content.decode()  # kept
    committed(lambda: services.score(ann, by=alice, value=4))
    for who in (alice, bob):
        assert "1 score (mean 4.0)" in get(who, path).content.decode()


def _rendered(user, path, settings) -> int:
    """The statements of `path` for `user` with nothing kept."""
    settings.FRAGMENT_CACHE_SECONDS = 0
    try:
        return statements(user, path)
    finally:
        settings.FRAGMENT_CACHE_SECONDS = 300


# --- a call's page: entering and "your entries" -----------------------------------------


def test_a_members_own_part_of_a_call_is_theirs_alone_and_current(review, carol, dave, settings):
    call, _ = review
    path = f"/calls/{call.pk}"
    poem = committed(lambda: bare_record(carol, kind="image", title="Carol's turnip"))
    for who in (carol, dave):
        get(who, path)  # each one's own part kept
    assert "Carol&#x27;s turnip" in _enter_section(get(carol, path))  # hers to enter
    assert "Carol&#x27;s turnip" not in get(dave, path).content.decode()
    committed(lambda: services.submit_entry(call, by=carol, record=poem))
    own = get(carol, path).content.decode()
    assert "Your entries" in own
    assert "Carol&#x27;s turnip" not in _enter_section(get(carol, path))  # entered now
    assert "Your entries" not in get(dave, path).content.decode()
    for who in (carol, dave):
        same_page(who, path, settings)


def _enter_section(response) -> str:
    page = response.content.decode()
    start = page.index('id="enter-title"')
    return page[start : page.index("</section>", start)]


# --- the home feed (page and API) ------------------------------------------------------


@pytest.fixture
def following(alice, bob, carol):
    def make():
        follows.follow_person(carol, alice)
        follows.follow_person(bob, alice)
        return make_record(alice, text="For my followers", title="A new song", publish=True)

    return committed(make)


def test_a_members_feed_is_kept_for_them_and_renewed_by_a_new_record(following, alice, carol):
    assert "A new song" in get(carol, "/feed").content.decode()  # kept
    kept = statements(carol, "/feed")
    committed(lambda: make_record(alice, text="More", title="Another song", publish=True))
    assert statements(carol, "/feed") > kept  # renewed
    assert "Another song" in get(carol, "/feed").content.decode()
    assert "Another song" in _api(carol, "/api/v1/feed")


def test_a_members_feed_is_never_anothers(following, alice, carol, dave):
    assert "A new song" in get(carol, "/feed").content.decode()  # kept for carol
    assert "A new song" in _api(carol, "/api/v1/feed")
    assert "A new song" not in get(dave, "/feed").content.decode()  # dave follows nobody
    assert "A new song" not in _api(dave, "/api/v1/feed")


def test_a_block_empties_the_feed_at_once(following, alice, carol):
    assert "A new song" in get(carol, "/feed").content.decode()  # kept
    committed(lambda: blocks.block(carol, alice))
    assert "A new song" not in get(carol, "/feed").content.decode()


def _api(user, path: str) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


# --- earnings (page and API) ------------------------------------------------------------


def test_earnings_are_kept_for_their_member_and_renewed_by_a_payment(alice, bob, carol):
    def make():
        story = released_production(alice, bob, carol)
        pool = pool_with_revenue(story, alice)
        proposal = proposals.make_proposal(pool, by=alice)
        proposals.publish(proposal, by=alice)
        return pool, proposal

    pool, proposal = committed(make)
    dave = make_user("dave")
    bobs = get(bob, "/me/earnings").content.decode()  # kept for bob
    assert "The film" in bobs
    assert "The film" not in get(dave, "/me/earnings").content.decode()
    assert json.loads(_api(dave, "/api/v1/me/earnings"))["productions"] == []
    (before,) = json.loads(_api(bob, "/api/v1/me/earnings"))["productions"]  # kept
    assert before["paid"]["minor_units"] == before["final"]["minor_units"] == 0
    assert before["proposed"]["minor_units"] > 0

    def finish():
        Proposal.objects.filter(pk=proposal.pk).update(window_closes_at=timezone.now())
        proposal.refresh_from_db()
        proposals.finalize(proposal, by=alice)
        batch = ledger.make_batch(pool, by=alice)
        for payout in batch.payouts.all():
            ledger.mark_paid(payout, by=alice, reference="Bank 1")

    committed(finish)
    (after,) = json.loads(_api(bob, "/api/v1/me/earnings"))["productions"]
    assert after["paid"] == after["final"] == before["proposed"]  # at once
    assert after["proposed"]["minor_units"] == 0
    row = get(bob, "/me/earnings").content.decode().split("The film")[1].split("</tr>")[0]
    assert row.count(after["paid"]["display"]) == 2  # final and paid, on the page too


# --- notifications (page and API): kept under their newest id and unread count ---------


def test_a_members_notifications_are_theirs_alone_and_current(alice, bob, carol):
    committed(lambda: notify(alice, "new_follower", actor=bob))
    page = get(alice, "/notifications/").content.decode()  # kept for alice
    assert "(@bob) follows you" in page
    assert "Mark all as read" in page
    assert "@bob" not in get(carol, "/notifications/").content.decode()
    assert json.loads(_api(carol, "/api/v1/notifications"))["items"] == []
    kept = statements(alice, "/notifications/")
    committed(lambda: notify(alice, "new_follower", actor=carol))  # one arrives
    assert statements(alice, "/notifications/") > kept  # renewed
    page = get(alice, "/notifications/").content.decode()
    assert "@carol follows you" in page
    assert json.loads(_api(alice, "/api/v1/notifications"))["unread_count"] == 2
    committed(lambda: notification_services.mark_read(alice))  # all read
    page = get(alice, "/notifications/").content.decode()
    assert "Mark all as read" not in page
    assert 'class="badge"' not in page  # the header says none unread either
    api = json.loads(_api(alice, "/api/v1/notifications"))
    assert api["unread_count"] == 0
    assert all(item["read"] for item in api["items"])


@pytest.mark.parametrize("cursor", ["x" * 5000, "a b\nc", "%00"])
def test_a_cursor_of_any_shape_is_refused_not_kept(alice, cursor):
    client = Client()
    client.force_login(alice)
    assert client.get("/api/v1/notifications", {"cursor": cursor}).status_code == 400
