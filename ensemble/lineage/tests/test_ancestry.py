"""`graph.ancestry`, the whole ancestry in one statement (what payments freezes), and
`graph.ancestors_among` (what a call's gallery asks of each production)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ensemble.lineage import graph, services
from ensemble.lineage.testing import bare_record
from ensemble.records.models import CoCreator

pytestmark = pytest.mark.django_db


def reads(fn, *args):
    """The statements `fn` runs, leaving out the savepoint a test's transaction makes
    around `steered()` and PostgreSQL's planner settings: those are not reads."""
    with CaptureQueriesContext(connection) as captured:
        result = fn(*args)
    skipped = ("SAVEPOINT", "RELEASE", "SET")
    return result, [q["sql"] for q in captured if not q["sql"].lstrip().startswith(skipped)]


def chain(owner, length, top):
    """`top` built on a chain of `length` records, each built on the next."""
    below = top
    made = []
    for _ in range(length):
        record = bare_record(owner)
        services.add_source(below, record, by=below.owner, note="n")
        made.append(record)
        below = record
    return made


def test_the_ancestry_has_drafts_tombstones_edges_and_accepted_cocreators(alice, bob, carol):
    film = bare_record(alice, title="The film")
    drawing = bare_record(bob, title="The drawing")
    sketch = bare_record(bob, title="Bob's draft", public=False)
    script = bare_record(carol, title="The script")
    services.add_source(film, drawing, by=alice, note="n")
    services.add_source(drawing, sketch, by=bob, note="n")
    services.add_source(drawing, script, by=bob, note="n", kind="inspired_by")
    script.deleted_at = timezone.now()
    script.save(update_fields=["deleted_at"])
    unrelated = bare_record(carol)
    now = timezone.now()
    CoCreator.objects.create(record=drawing, user=carol, state="accepted", responded_at=now)
    CoCreator.objects.create(record=sketch, user=alice, state="accepted", responded_at=now)
    CoCreator.objects.create(record=script, user=alice, state="declined", responded_at=now)
    CoCreator.objects.create(record=film, user=bob)  # invited, not yet accepted
    CoCreator.objects.create(record=unrelated, user=bob, state="accepted", responded_at=now)

    found, statements = reads(graph.ancestry, film.pk)

    assert len(statements) == 1
    assert sorted(found.records) == sorted(
        [
            (film.pk, alice.pk, "public", False),
            (drawing.pk, bob.pk, "public", False),
            (sketch.pk, bob.pk, "draft", False),
            (script.pk, carol.pk, "public", True),
        ]
    )
    assert sorted(found.edges) == sorted(
        [
            (film.pk, drawing.pk, "uses"),
            (drawing.pk, sketch.pk, "uses"),
            (drawing.pk, script.pk, "inspired_by"),
        ]
    )
    assert sorted(found.cocreators) == sorted([(drawing.pk, carol.pk), (sketch.pk, alice.pk)])


def test_a_record_without_sources_is_its_own_ancestry(alice):
    alone = bare_record(alice, public=False)
    found = graph.ancestry(alone.pk)
    assert found == graph.Ancestry([(alone.pk, alice.pk, "draft", False)], [], [])


def test_the_ancestry_costs_one_statement_whatever_its_size(alice):
    small, large = bare_record(alice), bare_record(alice)
    chain(alice, 2, small)
    chain(alice, 25, large)
    _, few = reads(graph.ancestry, small.pk)
    found, many = reads(graph.ancestry, large.pk)
    assert len(found.records) == 26
    assert len(few) == len(many) == 1


def test_ancestors_among_names_only_the_ancestors_in_one_statement(alice, bob):
    film = bare_record(alice)
    up = chain(alice, 3, film)
    other = bare_record(bob)
    found, statements = reads(graph.ancestors_among, film.pk, [up[2].pk, other.pk, film.pk])
    assert found == [up[2].pk]
    assert len(statements) == 1
    assert graph.ancestors_among(film.pk, []) == []


@pytest.mark.skipif(connection.vendor != "sqlite", reason="about SQLite's write lock")
def test_on_sqlite_graph_reads_open_no_transaction_of_their_own():
    """Our SQLite transactions are IMMEDIATE: one around a lineage read would take the
    write lock, and readers of a deep lineage queued behind each other until "database
    is locked" (make bench-pages). Inside the test's transaction, a transaction of their
    own would show as a savepoint."""
    before = list(connection.savepoint_ids)
    with graph.steered():
        assert connection.savepoint_ids == before
