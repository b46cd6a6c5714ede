"""Shared fragments (core/fragments.py) on browse and the front page: kept for everyone
asking alike, and not for whom they would be wrong: a member filtering by a call's
entries (which they may see differently), a member whose skills order the open calls."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ensemble.accounts.testing import make_user
from ensemble.community.services import comments
from ensemble.core import fragments
from ensemble.core.tests.fragmenting import committed, get, same_page, statements
from ensemble.payments.services import pools, proposals
from ensemble.payments.testing import released_production
from ensemble.projects.models import Call
from ensemble.projects.services import decide, submit_entry
from ensemble.projects.testing import make_call, make_project
from ensemble.records import access, cocreators
from ensemble.records.present import media_for
from ensemble.records.testing import make_record

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fragments_on")]


@pytest.fixture
def shelf(alice):
    return committed(
        lambda: [
            make_record(alice, text=f"Line {n}", title=f"Poem number {n}", publish=True)
            for n in range(3)
        ]
    )


@pytest.mark.parametrize("path", ["/records/", "/records/?kind=text", "/records/?sort=trending"])
def test_browse_is_the_same_kept_or_not(shelf, alice, carol, path, settings):
    get(carol, path)  # kept for members
    get(None, path)  # and for visitors
    for who in (alice, carol, None):
        same_page(who, path, settings)


def test_browse_is_rendered_for_the_creators_of_the_records_it_shows(shelf, alice, bob, carol):
    """An audio or video card may play the original for its creators, the copy for
    others (`media_for`): they never get the kept page."""

    def invite():
        invited = cocreators.invite_cocreator(shelf[0], by=alice, user=bob)
        cocreators.answer_invitation(invited, by=bob, accept=True)

    committed(invite)
    get(carol, "/records/")  # kept
    kept = statements(carol, "/records/")
    assert statements(alice, "/records/") > kept
    assert statements(bob, "/records/") > kept


def test_browse_shows_a_new_record_at_once(shelf, alice, carol):
    assert b"Poem number 2" in get(carol, "/records/").content
    committed(lambda: make_record(alice, text="New", title="Fresh poem", publish=True))
    assert b"Fresh poem" in get(carol, "/records/").content


def test_a_bad_cursor_still_starts_again(shelf, carol):
    answer = get(carol, "/records/?cursor=forged")
    assert answer.status_code == 302


@pytest.fixture
def sealed_call(alice, bob, carol):
    """A sealed call (entries hidden until it closes) with an entry from bob and carol."""

    def make():
        call = make_call(make_project(alice), title="Sealed", sealed=True)
        for who in (bob, carol):
            record = make_record(
                who, text=f"{who.username} enters", title=f"Entry of {who}", publish=True
            )
            submit_entry(call, by=who, record=record)
        return call

    return committed(make)


def test_a_calls_entries_are_not_shared_between_members(sealed_call, alice, bob, carol):
    path = f"/records/?call={sealed_call.pk}"
    assert b"Entry of bob" in get(bob, path).content
    for_carol = get(carol, path).content
    assert b"Entry of carol" in for_carol
    assert b"Entry of bob" not in for_carol  # sealed: an entrant sees their own
    leader = get(alice, path).content
    assert b"Entry of bob" in leader
    assert b"Entry of carol" in leader


def test_open_calls_are_kept_per_set_of_skills(alice, settings):
    def make():
        project = make_project(alice)
        soon = timezone.now() + dt.timedelta(days=2)
        make_call(project, title="Write the script", deadline=soon)
        make_call(
            project,
            title="The turnip man",
            skills=["illustration"],
            deadline=soon + dt.timedelta(days=7),
        )
        illustrator = make_user("ill")
        illustrator.set_skills(["illustration"])
        return illustrator, make_user("writer")

    illustrator, writer = committed(make)
    first = get(writer, "/").content
    assert first.index(b"Write the script") < first.index(b"The turnip man")
    mine = get(illustrator, "/").content
    assert mine.index(b"The turnip man") < mine.index(b"Write the script")
    for who in (illustrator, writer, None):
        same_page(who, "/", settings)
    assert Call.objects.count() == 2


# --- a call's entries ------------------------------------------------------------------


@pytest.fixture
def blind_call(alice, bob, carol):
    """A blind call of alice's: bob's entry, shortlisted with a note only he and the
    leaders may read, and carol's."""

    def make():
        call = make_call(make_project(alice), blind_review=True)
        entries = []
        for who in (bob, carol):
            record = make_record(who, text="Words", title=f"Entry of {who}", publish=True)
            entries.append(submit_entry(call, by=who, record=record))
        decide(entries[:1], by=alice, state="shortlisted", note="A note for bob alone")
        return call

    return committed(make)


def test_a_calls_entries_are_kept_per_class_of_viewer(blind_call, alice, bob, carol, settings):
    path = f"/calls/{blind_call.pk}"
    dave = make_user("dave")
    get(dave, path)  # kept for the members who lead nothing here
    leader = get(alice, path).content
    assert b"A note for bob alone" in leader  # the leaders' own rendering
    other = get(make_user("erin"), path).content
    assert b"A note for bob alone" not in other
    assert b"Entry of bob" in other
    assert b"/@bob/" not in other  # blind: no names
    own = get(bob, path).content.decode()
    assert "A note for bob alone" in own  # his own, under "your entries"
    for who in (alice, bob, carol, dave, None):
        same_page(who, path, settings)


def test_a_sealed_calls_entries_stay_with_their_entrants(sealed_call, bob, carol, alice):
    path = f"/calls/{sealed_call.pk}"
    get(alice, path)  # the leaders' rendering, kept
    for_carol = get(carol, path).content
    assert b"Entry of bob" not in for_carol
    assert b"Entry of carol" in for_carol


def test_any_member_owns_and_may_see_nothing_of_anyones(shelf, alice):
    """The stand-in has no id: the rules of records treat it as owning and co-creating
    nothing, like a visitor, where `int(None)` once waited for the first audio entry."""
    record = shelf[0]
    draft = committed(lambda: make_record(alice, text="Not yet", title="Draft"))
    assert not access.is_creator(fragments.ANY_MEMBER, record)
    assert not access.is_owner(fragments.ANY_MEMBER, record)
    assert access.can_view(fragments.ANY_MEMBER, record)
    assert not access.can_view(fragments.ANY_MEMBER, draft)
    assert media_for(record.current_version, record, fragments.ANY_MEMBER).download


# --- a proposal's lines ----------------------------------------------------------------


def test_a_proposals_lines_are_kept_for_everyone_and_renewed_by_a_revision(
    alice, bob, carol, settings
):
    def make():
        proposal = _draft_proposal(alice, bob, carol)
        proposals.publish(proposal, by=alice)
        return proposal

    proposal = committed(make)
    path = f"/proposals/{proposal.pk}"
    first = get(carol, path).content  # kept
    assert b"Every line, and why" in first
    for who in (alice, bob, carol, None):
        same_page(who, path, settings)
    committed(
        lambda: proposals.revise(proposal, by=alice, changes={"editor_share_bp": 500}, reason="A")
    )
    assert b"revision 2" in get(carol, path).content
    same_page(carol, path, settings)


# --- a pool ----------------------------------------------------------------------------


def test_a_pool_is_kept_for_its_leaders_and_for_everyone_else_apart(alice, bob, carol, settings):
    draft = committed(lambda: _draft_proposal(alice, bob, carol))  # the leaders' alone
    pool = draft.pool
    path = f"/pools/{pool.pk}"
    assert b"Compute a proposal" in get(alice, path).content  # kept for the leaders
    others = get(carol, path).content  # kept for everyone else
    assert b"Compute a proposal" not in others
    assert b"No proposal yet" in others  # the draft is not theirs to see
    for who in (alice, carol, None):
        same_page(who, path, settings)
    committed(lambda: proposals.publish(draft, by=alice))
    assert f"Proposal {draft.pk}".encode() in get(carol, path).content  # at once


def test_a_proposal_is_kept_per_reader_and_its_author_gets_theirs(alice, bob, carol, settings):
    def make():
        proposal = _draft_proposal(alice, bob, carol)
        proposals.publish(proposal, by=alice)
        comments.add(bob, proposal, "I was left out of the split.")
        return proposal

    proposal = committed(make)
    path = f"/proposals/{proposal.pk}"
    dave = make_user("dave")
    assert b"Edit or delete" not in get(dave, path).content  # kept for members
    assert b"Edit or delete" in get(bob, path).content  # the author's own copy
    assert b"Answer" in get(alice, path).content  # the leaders' copy answers
    assert b'placeholder="Answer"' not in get(carol, path).content
    for who in (alice, bob, carol, dave, None):
        same_page(who, path, settings)
    committed(lambda: comments.add(carol, proposal, "Fair to me."))
    assert b"Fair to me." in get(dave, path).content  # renewed at once


@pytest.mark.parametrize("query", ["?a=abc&b=2", "?a=1&b=99999999999999999999", "?a=-1&b=%00"])
def test_a_proposal_compared_with_nonsense_compares_nothing(alice, bob, carol, query):
    proposal = committed(lambda: _draft_proposal(alice, bob, carol))
    page = get(alice, f"/proposals/{proposal.pk}{query}")
    assert page.status_code == 200
    assert b"Revision 1" not in page.content


def _draft_proposal(alice, bob, carol):
    """A draft proposal of alice's for a fixed budget of €1,000 on her released film."""
    story = released_production(alice, bob, carol)
    pool = pools.create_pool(
        story.production, by=alice, kind="fixed_budget", currency="EUR", budget=100_000
    )
    return proposals.make_proposal(pool, by=alice)
