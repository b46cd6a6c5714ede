"""What profiles gain: followers, lists, contributions (sealed ones kept sealed), credits."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ensemble.accounts.testing import make_user
from ensemble.community.services import follows, lists
from ensemble.lineage.testing import bare_record
from ensemble.payments.testing import released_production
from ensemble.projects import services as projects
from ensemble.projects.testing import make_call, make_project

pytestmark = pytest.mark.django_db


def test_a_profile_shows_credits_contributions_lists_and_followers(alice, bob, carol, client):
    story = released_production(alice, bob, carol)
    follows.follow_person(alice, bob)
    favourites = lists.create(bob, title="Favourite turnips")
    page = client.get("/@bob/").content.decode()
    assert "1 follower" in page
    assert "In <a" in page
    assert story.film.title in page
    assert "The drawing" in page  # his entry, in the contributions
    assert favourites.title in page


def test_an_entry_in_a_sealed_open_call_stays_off_the_profile_for_others(alice, bob, client):
    sealed = make_call(make_project(alice), title="Sealed call", sealed=True)
    projects.submit_entry(sealed, by=bob, record=bare_record(bob, kind="image", title="Secret"))
    # The record is public (in his portfolio); that it was entered is not, yet.
    assert "Sealed call" not in client.get("/@bob/").content.decode()
    client.force_login(bob)
    assert "Sealed call" in client.get("/@bob/").content.decode()  # his own


def test_the_profile_costs_the_same_queries_for_1_or_10_contributions(alice, client):
    counts = []
    for n in (1, 10):
        person = make_user(f"maker{n}")
        project = make_project(alice, title=f"Project {n}")
        for i in range(n):
            call = make_call(project, title=f"Call {i}")
            projects.submit_entry(call, by=person, record=bare_record(person, kind="image"))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/@{person.username}/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
