"""The project page (front/project.py): kept for every member alike, and for visitors,
as a shared fragment; rendered for its owner and leaders (their forms) and for the
creators of its production (a draft only they may see); the follow button and the
comments are filled in per request."""

from __future__ import annotations

import pytest

from ensemble.community.services import comments, follows
from ensemble.core.tests.fragmenting import committed, get, same_page, statements
from ensemble.lineage.testing import bare_record
from ensemble.payments.testing import released_production
from ensemble.projects import productions
from ensemble.projects import services as projects
from ensemble.projects.testing import make_project
from ensemble.records import cocreators

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fragments_on")]

LEADERS_FORM = b'<label for="update-body">Post an update</label>'  # a leaders' form


@pytest.fixture
def released(alice, bob, carol):
    return committed(lambda: released_production(alice, bob, carol))


def test_the_project_page_is_the_same_kept_or_not_for_everyone(
    released, alice, bob, carol, dave, settings
):
    path = released.project.get_absolute_url()
    committed(lambda: projects.add_leader(released.project, by=alice, user=bob))
    get(dave, path)  # kept for members
    get(None, path)  # and for visitors
    for who in (alice, bob, carol, dave, None):
        same_page(who, path, settings)


def test_the_leaders_forms_stay_with_the_leaders_whoever_came_first(released, alice, dave):
    path = released.project.get_absolute_url()
    assert LEADERS_FORM not in get(dave, path).content  # kept, without them
    assert LEADERS_FORM in get(alice, path).content
    assert LEADERS_FORM not in get(dave, path).content


def test_a_draft_production_is_seen_by_its_creators_only(alice, bob, carol, dave):
    def make():
        project = make_project(alice, title="Unreleased")
        film = bare_record(alice, kind="video", title="The secret cut", public=False)
        invited = cocreators.invite_cocreator(film, by=alice, user=bob)
        cocreators.answer_invitation(invited, by=bob, accept=True)
        productions.make_production(project, by=alice, record=film)
        return project

    path = committed(make).get_absolute_url()
    assert b"The secret cut" not in get(dave, path).content  # kept, without it
    assert b"The secret cut" in get(bob, path).content  # its co-creator gets theirs
    assert b"The secret cut" not in get(carol, path).content
    assert b"The secret cut" not in get(None, path).content


def test_the_follow_button_and_the_comments_are_each_members_own(released, carol, dave):
    path = released.project.get_absolute_url()
    assert b'value="follow"' in get(carol, path).content  # kept
    committed(lambda: follows.follow_project(carol, released.project))
    assert b'value="unfollow"' in get(carol, path).content
    assert b'value="follow"' in get(dave, path).content
    committed(lambda: comments.add(dave, released.project, "Lovely turnip."))
    assert b"Lovely turnip." in get(carol, path).content
    assert b'name="body"' in get(carol, path).content  # the comment form, with carol's token


def test_a_kept_project_page_costs_the_same_queries_however_much_it_shows(released, alice, dave):
    path = released.project.get_absolute_url()
    get(dave, path)  # kept
    few = statements(dave, path)
    project = released.project
    committed(lambda: [projects.post_update(project, by=alice, body=f"News {n}") for n in range(5)])
    get(dave, path)  # kept again, after the news
    assert statements(dave, path) == few
