"""The lineage frozen for a proposal (`services.snapshot.take`): what it keeps, and that
it and `make_proposal` cost the same number of statements whatever the lineage's size."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ensemble.accounts.testing import make_user
from ensemble.lineage import services as lineage
from ensemble.lineage.testing import bare_record
from ensemble.payments.services import pools, proposals, snapshot
from ensemble.payments.testing import released_production
from ensemble.records.models import CoCreator

pytestmark = pytest.mark.django_db
SKIPPED = ("SAVEPOINT", "RELEASE", "SET")  # the test's savepoints, PostgreSQL's planner


def statements(fn, *args, **kwargs) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn(*args, **kwargs)
    return sum(1 for q in captured if not q["sql"].lstrip().startswith(SKIPPED))


@pytest.fixture
def story(alice, bob, carol):
    return released_production(alice, bob, carol)


def test_drafts_drop_out_with_their_edges_and_tombstones_stay(alice, bob, carol, story):
    draft = bare_record(bob, title="Bob's draft", public=False)
    lineage.add_source(story.drawing, draft, by=bob, note="n")
    story.script.deleted_at = timezone.now()
    story.script.save(update_fields=["deleted_at"])
    now = timezone.now()
    CoCreator.objects.create(record=story.song, user=bob, state="accepted", responded_at=now)
    CoCreator.objects.create(record=story.drawing, user=alice)  # invited only
    CoCreator.objects.create(record=draft, user=carol, state="accepted", responded_at=now)

    frozen = json.loads(json.dumps(snapshot.take(story.film.pk)))

    film, drawing, script, song = (
        r.pk for r in (story.film, story.drawing, story.script, story.song)
    )
    assert frozen["root"] == film
    assert frozen["records"] == {
        str(film): alice.pk,
        str(drawing): bob.pk,
        str(script): carol.pk,
        str(song): carol.pk,
    }
    assert sorted(map(tuple, frozen["edges"])) == sorted(
        [(film, drawing, "uses"), (film, song, "uses"), (drawing, script, "uses")]
    )
    assert frozen["cocreators"] == {str(song): [bob.pk]}


def test_a_private_root_is_kept(alice):
    film = bare_record(alice, public=False)
    assert snapshot.take(film.pk)["records"] == {str(film.pk): alice.pk}


def test_the_snapshot_and_a_proposal_cost_the_same_statements_for_a_bigger_lineage(alice, story):
    pool = pools.create_pool(story.production, by=alice, kind="profit_share", currency="EUR")
    pools.record_entry(
        pool,
        by=alice,
        kind="revenue",
        amount=100_000,
        currency="EUR",
        on=timezone.localdate(),
        description="Screenings",
    )
    small_take = statements(snapshot.take, story.film.pk)
    small_proposal = statements(proposals.make_proposal, pool, by=alice)
    pool.proposals.all().delete()
    below = story.song
    for _ in range(20):  # twenty more records, each by someone new, so more lines too
        record = bare_record(make_user())
        lineage.add_source(below, record, by=below.owner, note="n")
        below = record
    assert small_take == statements(snapshot.take, story.film.pk) == 1
    assert statements(proposals.make_proposal, pool, by=alice) == small_proposal
