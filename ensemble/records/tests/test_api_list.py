"""The records API's list: newest first, drafts hidden from everyone but their owner,
filters, cursors. The catalogue is made once for the module, not for each of its tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from django.test import override_settings

from ensemble.accounts.services import create_access_token
from ensemble.accounts.testing import make_user
from ensemble.accounts.tests.api_helpers import assert_error, bearer
from ensemble.core.testing import rows_for_the_module
from ensemble.records.testing import make_record

RECORDS = "/api/v1/records"
POEM = "# Tide\n\nThe sea *keeps* what it is given.\n"


@pytest.fixture(scope="module")
def shared(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[SimpleNamespace]:
    """Public records of several kinds, tags and licences, and a draft of alice's; the
    cast's bearer headers. What a test changes is rolled back with its savepoint."""
    folder = tmp_path_factory.mktemp("catalogue")
    with (
        override_settings(MEDIA_ROOT=folder / "media", RECORDS_ROOT=folder / "records"),
        rows_for_the_module(django_db_blocker),
    ):
        alice = make_user("alice", display_name="Alice Archer")
        bob = make_user("bob", display_name="Bob Brass")
        carol = make_user("carol")
        catalogue = {
            "sea": make_record(
                alice, title="Sea", tags="sea, blue", licence="cc0-1.0", publish=True
            ),
            "poem": make_record(alice, title="Poem", text=POEM, tags="sea", publish=True),
            "brass": make_record(
                bob, title="Brass", tags="music", licence="cc-by-4.0", publish=True
            ),
            "draft": make_record(alice, title="Secret draft", tags="sea"),
        }
        auth = {
            user.username: bearer(create_access_token(user, "tests").secret)
            for user in (alice, bob, carol)
        }
        yield SimpleNamespace(alice=alice, auth=auth, catalogue=catalogue)


@pytest.fixture
def alice(shared):
    """The module's alice: the cast's own fixture would make a second one."""
    return shared.alice


@pytest.fixture
def auth(shared):
    """Bearer headers for each member of the cast, by username."""
    return shared.auth


@pytest.fixture
def catalogue(shared):
    return shared.catalogue


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["title"] for item in response.json()["items"]]


@pytest.mark.django_db
def test_list_shows_public_records_newest_first_and_hides_drafts(client, catalogue):
    assert titles(client.get(RECORDS)) == ["Brass", "Poem", "Sea"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=text", ["Poem"]),
        ("kind=image", ["Brass", "Sea"]),
        ("tag=sea", ["Poem", "Sea"]),
        ("tag=SEA", ["Poem", "Sea"]),
        ("license=cc0-1.0", ["Sea"]),
        ("license=cc-by-4.0", ["Brass"]),
        ("owner=bob", ["Brass"]),
        ("owner=alice&kind=image", ["Sea"]),
        ("owner=nobody", []),
    ],
)
def test_list_filters(client, catalogue, query, expected):
    assert titles(client.get(f"{RECORDS}?{query}")) == expected


@pytest.mark.django_db
def test_list_refuses_an_unknown_kind_filter(client, catalogue):
    response = client.get(f"{RECORDS}?kind=hologram")

    assert_error(response, 422, "invalid")


@pytest.mark.django_db
def test_drafts_are_hidden_from_others_even_when_filtering_by_owner(client, auth, catalogue):
    assert "Secret draft" not in titles(client.get(f"{RECORDS}?owner=alice"))
    assert "Secret draft" not in titles(client.get(f"{RECORDS}?owner=alice", headers=auth["carol"]))


@pytest.mark.django_db
def test_owner_sees_own_drafts_when_filtering_by_themselves(client, auth, catalogue):
    response = client.get(f"{RECORDS}?owner=alice", headers=auth["alice"])

    assert titles(response) == ["Secret draft", "Poem", "Sea"]


@pytest.mark.django_db
def test_owner_signed_in_by_session_sees_own_drafts_too(alice_client, catalogue):
    response = alice_client.get(f"{RECORDS}?owner=alice")

    assert titles(response) == ["Secret draft", "Poem", "Sea"]


@pytest.mark.django_db
def test_cursor_pagination_walks_every_record_once(client, catalogue):
    first = client.get(f"{RECORDS}?limit=2").json()
    assert [item["title"] for item in first["items"]] == ["Brass", "Poem"]
    assert first["next_cursor"]

    second = client.get(f"{RECORDS}?limit=2&cursor={first['next_cursor']}").json()

    assert [item["title"] for item in second["items"]] == ["Sea"]
    assert second["next_cursor"] is None


@pytest.mark.django_db
def test_forged_cursor_is_refused(client, catalogue):
    assert_error(client.get(f"{RECORDS}?cursor=not-a-cursor"), 400, "bad_cursor")
