"""Private means private, on every route at once: a draft, a record moderators hid, a
record they removed, one they hid that its owner then deleted, and a project they hid
(with its call) each carry a word nobody else may read (in the title and the
description); the hidden record was entered in a call, and the others cited. A visitor,
an outsider (a member following their owner and the project, who has cited one record
in a remix and listed one before it became private) and a member the owner blocks open
every page route and every GET operation of the API with the URL pointing at each of
them in turn, then at the remix and the call, and search for the words: none of them
may appear in any answer. The owner, an invited co-creator (of the draft), a leader (of
the project) and a moderator do see them, so the words are really on the pages that may
show them (the test can fail).

Which answers each role gets per route is `declared.py` and `test_routes.py`; this is
the other half of the matrix: whatever a route answers, it leaks nothing private."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from ensemble.accounts import blocks
from ensemble.accounts.models import User
from ensemble.accounts.testing import make_user
from ensemble.community.services import follows, lists
from ensemble.lineage.services import add_source
from ensemble.moderation import services as moderation
from ensemble.projects import services as projects
from ensemble.projects.testing import make_call, make_project
from ensemble.records import cocreators, takedown
from ensemble.records import services as records
from ensemble.records.testing import make_record
from tests.matrix import routes
from tests.matrix import site as matrix_site

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

DRAFT, HIDDEN, REMOVED = "Quokkalantern", "Umbralteapot", "Xylomarmalade"
PROJECT = "Wombatorchestra"  # a project moderators hid, and its call
GONE = "Pangolinsonata"  # hidden by moderators, then deleted by its owner
WORDS = (DRAFT, HIDDEN, REMOVED, PROJECT, GONE)


def _secret(owner: Any, word: str, *, publish: bool) -> Any:
    return make_record(
        owner,
        title=f"The {word}",
        description=f"Nobody else may read {word}.",
        tags=[word.lower()],
        publish=publish,
    )


@pytest.fixture
def private(alice, bob, carol, mod):
    """The matrix's site, with alice's three private records, bob's remix of the two
    once public, and dave, who follows both and has alice's list."""
    site = matrix_site.build(alice, bob, carol, mod)
    draft = _secret(alice, DRAFT, publish=False)
    hidden = _secret(alice, HIDDEN, publish=True)
    removed = _secret(alice, REMOVED, publish=True)
    gone = _secret(alice, GONE, publish=True)
    remix = make_record(bob, title="Built on three", publish=True)
    for source in (hidden, removed, gone):
        add_source(remix, source, by=bob, note="uses it")
    stage = make_call(make_project(carol, title="Open stage"), title="Anything goes")
    projects.submit_entry(stage, by=alice, record=hidden)
    shelf = lists.create(alice, title="Mine")
    lists.add(shelf, by=alice, record=hidden)
    dave = make_user("dave")
    for person in (alice, bob):
        follows.follow_person(dave, person)
    report = moderation.file_report(carol, "record", removed.pk, reason="spam", text="x")
    moderation.decide(report, by=mod, action="remove", note="Spam.")
    takedown.hide(hidden, "Under review.")
    takedown.hide(gone, "Under review.")
    records.delete_record(gone, by=alice)
    band = make_project(alice, title=f"The {PROJECT}", description=f"About {PROJECT}.")
    auditions = make_call(band, title=f"{PROJECT} auditions", brief=f"Play in {PROJECT}.")
    follows.follow_project(dave, band)
    projects.add_leader(band, by=alice, user=make_user("frank"))  # a leader sees it
    cocreators.invite_cocreator(draft, by=alice, user=carol)  # an invited co-creator too
    blocks.block(alice, make_user("erin"))  # a member alice blocks sees no more than others
    projects.hide(band, "Under review.")
    # Public, and found by the same search: what shows the search really looks.
    make_record(
        bob, title="Openly", description="Nobody else may read? Everyone may.", publish=True
    )
    things = {"draft": draft, "hidden": hidden, "removed": removed, "gone": gone, "remix": remix}
    elsewhere = {"slug": band.slug, "call_id": auditions.pk}
    return site, things, dave, elsewhere, stage


def _urls(values: dict[str, Any]) -> list[str]:
    pages = [routes.page_url(n, p, values) for n, p in sorted(routes.pages().items())]
    api = [
        routes.operation_url(op, values)
        for op in sorted(routes.operations())
        if op.startswith("GET ")
    ]
    return pages + api


def _leaks(client: Client, urls: list[str]) -> list[str]:
    found = []
    for url in urls:
        body = client.get(url).content.decode(errors="replace")
        found += [f"{word} on {url}" for word in WORDS if word in body]
    return found


def test_no_route_shows_a_private_thing_to_a_visitor_an_outsider_or_the_blocked(private):
    site, things, dave, band, stage = private
    outsider, blocked = Client(), Client()
    outsider.force_login(dave)
    blocked.force_login(User.objects.get(username="erin"))
    # Words of the descriptions, not the secrets, which a search page says back; tags
    # are lower case, so a page naming the tag searched for does not count as a leak.
    searches = [
        f"{path}?q=nobody+else+may+read" for path in ("/search", "/api/v1/search", "/records/")
    ] + [f"/records/?tag={w.lower()}" for w in (DRAFT, HIDDEN, REMOVED)]
    searches += ["/search?q=about", "/api/v1/search?q=auditions", "/api/v1/projects", "/"]
    urls = searches
    for thing in things.values():
        urls += _urls(site.values | {"record_id": thing.pk, "target_id": thing.pk})
    urls += _urls(site.values | band)
    urls += _urls(site.values | {"call_id": stage.pk})  # the hidden record was entered there
    leaks = _leaks(Client(), urls) + _leaks(outsider, urls) + _leaks(blocked, urls)
    assert not leaks, "\n".join(leaks)


def test_the_owner_a_cocreator_a_leader_and_a_moderator_do_see_them(private, alice, carol, mod):
    _, things, _, band, stage = private
    owner, moderator, cocreator, leader = Client(), Client(), Client(), Client()
    owner.force_login(alice)
    moderator.force_login(mod)
    cocreator.force_login(carol)
    leader.force_login(User.objects.get(username="frank"))
    assert DRAFT in cocreator.get(f"/records/{things['draft'].pk}").content.decode()
    assert PROJECT in leader.get(f"/projects/{band['slug']}/").content.decode()
    assert PROJECT in leader.get(f"/api/v1/calls/{band['call_id']}").content.decode()
    assert DRAFT in owner.get(f"/records/{things['draft'].pk}").content.decode()
    assert HIDDEN in owner.get(f"/records/{things['hidden'].pk}").content.decode()
    assert HIDDEN in moderator.get(f"/records/{things['hidden'].pk}").content.decode()
    assert DRAFT in owner.get(f"/api/v1/records/{things['draft'].pk}").content.decode()
    assert PROJECT in moderator.get(f"/projects/{band['slug']}/").content.decode()
    assert PROJECT in owner.get(f"/calls/{band['call_id']}").content.decode()
    assert HIDDEN in owner.get(f"/calls/{stage.pk}").content.decode()  # the entrant
    for path in ("/search", "/api/v1/search", "/records/"):
        assert "Openly" in Client().get(f"{path}?q=nobody+else+may+read").content.decode()
