"""The profile page (front/profile.py): kept for every member alike, and for visitors,
as a shared fragment; not for the member themself (drafts, "edit profile") nor for the
accepted co-creators of the records it shows; the follow button is filled per request."""

from __future__ import annotations

import pytest

from ensemble.community.services import follows
from ensemble.core import fragments
from ensemble.core.tests.fragmenting import committed, get, same_page, statements
from ensemble.records import cocreators
from ensemble.records.present import portfolio
from ensemble.records.testing import make_record

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fragments_on")]

EDIT = b'<a class="btn btn--small" href="/settings/profile/">Edit profile</a>'  # not the menu's


@pytest.fixture
def shelf(alice, bob):
    """alice's public poems, one of them co-created with bob, and a draft of hers."""

    def make():
        poems = [
            make_record(alice, text=f"Line {n}", title=f"Poem number {n}", publish=True)
            for n in range(3)
        ]
        invited = cocreators.invite_cocreator(poems[0], by=alice, user=bob)
        cocreators.answer_invitation(invited, by=bob, accept=True)
        make_record(alice, text="Not yet", title="Her draft")
        return poems

    return committed(make)


def test_the_profile_is_the_same_kept_or_not_for_everyone(shelf, alice, bob, carol, settings):
    get(carol, "/@alice/")  # kept for members
    get(None, "/@alice/")  # and for visitors
    for who in (alice, bob, carol, None):
        same_page(who, "/@alice/", settings)


def test_a_draft_stays_with_its_owner_whoever_came_first(shelf, alice, carol):
    assert b"Her draft" not in get(carol, "/@alice/").content  # kept, without it
    own = get(alice, "/@alice/").content
    assert b"Her draft" in own
    assert EDIT in own
    again = get(carol, "/@alice/").content
    assert b"Her draft" not in again
    assert EDIT not in again


def test_the_owner_and_accepted_co_creators_get_their_own(shelf, alice, bob, carol, dave):
    """They may play an original where others play the copy: never the kept one."""
    shown = portfolio(alice, fragments.ANY_MEMBER)
    assert shown["creators"] == {alice.pk, bob.pk}
    assert not shown["mine"]
    get(carol, "/@alice/")  # kept
    # bob's is rendered for him, dave's is the kept one
    assert statements(bob, "/@alice/") > statements(dave, "/@alice/")
    assert b"Her draft" not in get(bob, "/@alice/").content


def test_the_follow_button_is_each_members_own_at_once(shelf, alice, carol, bob):
    assert b'value="follow"' in get(carol, "/@alice/").content  # kept
    committed(lambda: follows.follow_person(carol, alice))
    assert b'value="unfollow"' in get(carol, "/@alice/").content
    assert b'value="follow"' in get(bob, "/@alice/").content
    assert b'value="follow"' not in get(None, "/@alice/").content  # a visitor: no form


def test_a_new_record_shows_at_once(shelf, alice, carol):
    get(carol, "/@alice/")
    committed(lambda: make_record(alice, text="New", title="Fresh poem", publish=True))
    assert b"Fresh poem" in get(carol, "/@alice/").content


def test_a_kept_profile_costs_a_few_queries_however_much_it_shows(shelf, alice, carol):
    get(carol, "/@alice/")  # kept
    few = statements(carol, "/@alice/")
    committed(lambda: [make_record(alice, text="x", title=f"M{n}", publish=True) for n in range(5)])
    get(carol, "/@alice/")  # kept again, after the change
    assert statements(carol, "/@alice/") == few
    # session, member, the person, the generation, the follow button, the unread count
    assert few <= 6
