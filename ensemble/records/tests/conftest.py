"""Fixtures shared by the records tests: bearer headers for the API tests, signed-in
clients and a draft for the co-creator tests."""

from __future__ import annotations

import pytest

from ensemble.accounts.services import create_access_token
from ensemble.accounts.tests.api_helpers import bearer
from ensemble.records.testing import make_record
from ensemble.records.tests.cocreator_support import signed_in


@pytest.fixture
def records_root(settings):
    """This test's own record folder (conftest.py gives each test one)."""
    return settings.RECORDS_ROOT


@pytest.fixture
def auth(alice, bob, carol):
    """Bearer headers for each member of the cast, by username."""
    return {
        user.username: bearer(create_access_token(user, "tests").secret)
        for user in (alice, bob, carol)
    }


@pytest.fixture
def as_alice(alice):
    return signed_in(alice)


@pytest.fixture
def as_bob(bob):
    return signed_in(bob)


@pytest.fixture
def as_carol(carol):
    return signed_in(carol)


@pytest.fixture
def draft(alice):
    """Alice's processed, unpublished record."""
    return make_record(alice, title="Harbour sketch")
