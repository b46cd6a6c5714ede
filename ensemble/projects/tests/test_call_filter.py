"""Browse and the API filtered by call show what the call page shows: entries the viewer
may see, withdrawn ones to the leaders only, sealed ones to their entrant and the leaders,
a draft project's call to its leaders; a bad call is an empty page or a 422."""

from __future__ import annotations

import re
from collections.abc import Iterator
from types import SimpleNamespace

import pytest

from ensemble.accounts.testing import make_user
from ensemble.core.testing import rows_for_the_module
from ensemble.lineage.testing import bare_record
from ensemble.projects import services
from ensemble.projects.testing import make_call, make_entry, make_project

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def shared(django_db_setup, django_db_blocker) -> Iterator[SimpleNamespace]:
    """An open call with two entries (one withdrawn), a sealed one, and a call of a
    draft project (only its leaders see it). Made once for the module, not for each of
    its tests: what a test changes is rolled back with its savepoint."""
    with rows_for_the_module(django_db_blocker):
        alice = make_user("alice", display_name="Alice Archer")
        bob = make_user("bob", display_name="Bob Brass")
        carol = make_user("carol")
        project = make_project(alice)
        open_call = make_call(project, title="Open call")
        make_entry(open_call, bob, title="Bob's entry")
        services.withdraw_entry(make_entry(open_call, carol, title="Carol's withdrawn"), by=carol)
        bare_record(bob, kind="image", title="Bob's other work")
        sealed = make_call(project, title="Sealed call", sealed=True)
        make_entry(sealed, bob, title="Bob's sealed entry")
        make_entry(sealed, carol, title="Carol's sealed entry")
        draft = services.create_project(alice, title="Secret plans")
        secret = make_call(draft, title="Secret call")
        services.add_leader(draft, by=alice, user=bob)
        services.submit_entry(secret, by=bob, record=bare_record(bob, title="Bob's secret entry"))
        yield SimpleNamespace(
            alice=alice,
            bob=bob,
            carol=carol,
            calls={"open": open_call, "sealed": sealed, "secret": secret},
        )


@pytest.fixture
def alice(shared):
    """The module's cast: the cast's own fixtures would make a second one of each."""
    return shared.alice


@pytest.fixture
def bob(shared):
    return shared.bob


@pytest.fixture
def carol(shared):
    return shared.carol


@pytest.fixture
def calls(shared):
    return shared.calls


def browse_titles(client, value: str) -> set[str]:
    response = client.get("/records/", {"call": value})
    assert response.status_code == 200
    html = response.content.decode().replace("&#x27;", "'")
    return {t for t in re.findall(r'class="record-card__title">([^<]+)<', html)}


def api_titles(client, value) -> set[str]:
    response = client.get("/api/v1/records", {"call": value})
    assert response.status_code == 200, response.content
    return {r["title"] for r in response.json()["items"]}


def test_browse_and_the_api_filter_by_call_as_the_call_page_shows_it(
    alice, bob, carol, client, calls
):
    for titles in (browse_titles, api_titles):
        client.logout()
        assert titles(client, str(calls["open"].pk)) == {"Bob's entry"}
        assert titles(client, str(calls["sealed"].pk)) == set()
        assert titles(client, str(calls["secret"].pk)) == set()
        client.force_login(carol)
        assert titles(client, str(calls["sealed"].pk)) == {"Carol's sealed entry"}
        assert titles(client, str(calls["secret"].pk)) == set()
        client.force_login(alice)
        assert titles(client, str(calls["sealed"].pk)) == {
            "Bob's sealed entry",
            "Carol's sealed entry",
        }
        assert titles(client, str(calls["open"].pk)) == {"Bob's entry", "Carol's withdrawn"}
        client.force_login(bob)  # a leader of the draft project
        assert titles(client, str(calls["secret"].pk)) == {"Bob's secret entry"}


def test_the_call_filter_keeps_its_value_when_browse_goes_to_the_next_page(bob, client, calls):
    call = calls["open"]
    for n in range(30):
        make_entry(call, make_user(), title=f"Entry {n}")
    html = client.get("/records/", {"call": call.pk}).content.decode()
    assert f"call={call.pk}&amp;cursor=" in html


@pytest.mark.parametrize(
    "value", ["abc", "-1", "0", "1.5", "９", "99999999999999999999999", "424242"]
)
def test_a_bad_call_on_browse_is_an_empty_page(client, calls, value):
    assert browse_titles(client, value) == set()


@pytest.mark.parametrize("value", ["abc", "-1", "0", "1.5", "99999999999999999999999"])
def test_a_bad_call_in_the_api_is_a_422(client, calls, value):
    response = client.get("/api/v1/records", {"call": value})
    assert response.status_code == 422


def test_an_unknown_call_in_the_api_is_an_empty_list(client, calls):
    assert api_titles(client, 424242) == set()
    assert api_titles(client, 2**63 - 1) == set()
