"""Schemathesis over the whole API: what the OpenAPI description promises is what it does.

Every operation is called with generated requests, valid and invalid, anonymously and
as alice with a personal access token, through the real WSGI application (middleware
and all) against a database the cast has filled: so ids in paths hit real objects as
well as missing ones. Each answer must be no server error, a documented status with a
documented media type, a body of the documented shape, and no invalid request may be
accepted. The seed is fixed and the examples bounded, so a run is repeatable and takes
a few minutes at most on two cores.
"""

from __future__ import annotations

import datetime as dt
import zlib
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.parameters import ParameterLocation

from ensemble.accounts import services as accounts
from ensemble.api import api
from ensemble.community.services import comments, lists
from ensemble.payments.services import pools, proposals
from ensemble.payments.testing import released_production
from ensemble.records import cocreators

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # fuzzes every operation: minutes

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 15,
        "generation": {"max-examples": 8, "database": "none", "deterministic": True},
        # The coverage phase adds each parameter's edge cases (bounds, wrong types, missing
        # required fields) to the random examples.
        "phases": {"coverage": {"enabled": True}},
    }
)


@pytest.fixture
def cast(alice, bob, carol, settings) -> dict[str, Any]:
    """Alice's released film with its lineage, project, call and entries, a pool with a
    published proposal, comments, a list and a co-creator: the ids paths may name."""
    settings.PAYMENT_COMMENT_SECONDS = 3600
    story = released_production(alice, bob, carol)
    call = story.project.calls.get()
    pool = pools.create_pool(story.production, by=alice, kind="profit_share", currency="EUR")
    pools.record_entry(
        pool,
        by=alice,
        kind="revenue",
        amount=10_000,
        currency="EUR",
        on=dt.date(2026, 11, 27),
        description="Screening",
    )
    proposal = proposals.make_proposal(pool, by=alice)
    proposals.publish(proposal, by=alice)
    favourites = lists.create(alice, title="Turnips")
    lists.add(favourites, by=alice, record=story.drawing)
    cocreator = cocreators.invite_cocreator(story.film, by=alice, user=bob)
    return {
        "record_id": story.film.pk,
        "source_id": story.drawing.pk,
        "cocreator_id": cocreator.pk,
        "slug": story.project.slug,
        "call_id": call.pk,
        "entry_id": call.entries.first().pk,
        "production_id": story.production.pk,
        "pool_id": pool.pk,
        "proposal_id": proposal.pk,
        "list_id": favourites.pk,
        "username": "alice",
        "position": 1,
        # Two operations name different comments `comment_id`: see `_real_ids`.
        "comment_id": comments.add(bob, story.film, "Lovely turnip.").pk,
        "proposal_comment_id": comments.add(carol, proposal, "Fair?").pk,
    }


def _real_ids(path: str, cast: dict[str, Any]) -> dict[str, Any]:
    if path.startswith("/api/v1/proposals/"):
        return {**cast, "comment_id": cast["proposal_comment_id"]}
    return cast


@pytest.fixture(autouse=True)
def _application(settings):
    # The limits have tests of their own; here they would turn most writes into 429s.
    settings.RATE_LIMITS = {
        scope: (10**6, window) for scope, (_count, window) in settings.RATE_LIMITS.items()
    }
    # Django's test client does the same: the request must not close the connection that
    # holds the test's transaction (and the cast) when it finishes.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def member(alice) -> dict[str, str]:
    """Alice's personal access token, as a script would send it."""
    token = accounts.create_access_token(alice, "schemathesis")
    return {"Authorization": f"Bearer {token.secret}"}


# The description ninja generates, as /api/v1/openapi.json serves it (tested there).
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(), config=CONFIG)
APPLICATION = WSGIHandler()


# The cast lives as long as one operation's examples, on purpose: later requests meet what
# earlier ones changed (a deleted record, a withdrawn entry), as a real client would.
FUZZ_SETTINGS = hypothesis_settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    deadline=None,
)


def _call(case: schemathesis.Case, cast: dict[str, Any], headers: dict[str, str]) -> None:
    """Call with the generated ids or, for half the cases, the cast's real ones.

    Chosen from the case itself (no `given`: it would turn schemathesis's coverage phase
    off), and never where the path is the invalid part of a negative case: a real id
    there would make the request valid and its acceptance look like a failure.
    """
    path = case.meta.components.get(ParameterLocation.PATH) if case.meta else None
    generated = repr(sorted((case.path_parameters or {}).items())).encode()
    if (path is None or path.mode is GenerationMode.POSITIVE) and zlib.crc32(generated) % 2:
        real = _real_ids(case.path, cast)
        for name in case.path_parameters or {}:
            case.path_parameters[name] = real.get(name, case.path_parameters[name])
    case.call_and_validate(headers=headers, checks=CHECKS, app=APPLICATION)


@schema.parametrize()
@FUZZ_SETTINGS
def test_anonymous_requests_get_what_the_description_says(case, cast):
    _call(case, cast, {})


@schema.parametrize()
@FUZZ_SETTINGS
def test_a_members_requests_get_what_the_description_says(case, cast, member):
    _call(case, cast, member)
