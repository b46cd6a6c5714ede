"""The moderation tests' cast beyond the root conftest's: alice's public poem, bob and
mod signed in to the API, bob's open report on the poem, a second moderator."""

from __future__ import annotations

import pytest

from ensemble.accounts.testing import make_user
from ensemble.moderation import services
from ensemble.moderation.tests.api_helpers import signed_in
from ensemble.records.testing import make_record


@pytest.fixture
def poem(alice):
    """Alice's public record."""
    return make_record(
        alice, text="# Turnip ode\n\nRound and proud.\n", title="Turnip ode", publish=True
    )


@pytest.fixture
def as_bob(bob):
    return signed_in(bob)


@pytest.fixture
def as_mod(mod):
    return signed_in(mod)


@pytest.fixture
def filed(bob, poem):
    """Bob's open report on Alice's poem."""
    return services.file_report(bob, "record", poem.pk, reason="spam", text="An advert.")


@pytest.fixture
def other_mod(db):
    user = make_user("othermod")
    services.grant(user)
    return user
