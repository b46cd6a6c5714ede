"""Property tests: the graph stays acyclic, and the SQL walks agree with a plain
in-memory reference, on random graphs."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ensemble.accounts.testing import make_user
from ensemble.core.refusals import Refused
from ensemble.lineage import graph, services
from ensemble.lineage.models import Source
from ensemble.lineage.testing import bare_record

NODES = 8
pairs = st.lists(
    st.tuples(st.integers(0, NODES - 1), st.integers(0, NODES - 1)), min_size=1, max_size=30
)
PROPERTY = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def reference_reachable(edges: set[tuple[int, int]], start: int, up: bool) -> set[int]:
    """Plain breadth-first search over (derived, source) pairs."""
    seen: set[int] = set()
    frontier = [start]
    while frontier:
        node = frontier.pop()
        for derived, source in edges:
            nxt = (
                source if up and derived == node else derived if not up and source == node else None
            )
            if nxt is not None and nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    return seen


@pytest.fixture
def nodes():
    """A fresh set of records per example: hypothesis reruns the body, not the fixture."""

    def make() -> list:
        Source.objects.all().delete()
        owner = make_user()
        return [bare_record(owner, licence="cc0-1.0") for _ in range(NODES)]

    return make


@pytest.mark.slow  # dozens of generated graphs, each through the database
@pytest.mark.django_db
@PROPERTY
@given(attempts=pairs)
def test_insertions_never_make_a_cycle_and_exactly_the_cycles_are_refused(nodes, attempts):
    records = nodes()
    accepted: set[tuple[int, int]] = set()
    for d, s in attempts:
        would_cycle = d == s or d in reference_reachable(accepted, s, up=True)
        duplicate = (d, s) in accepted
        if would_cycle or duplicate:
            with pytest.raises(Refused):
                services.add_source(records[d], records[s], by=records[d].owner, note="n")
            continue
        services.add_source(records[d], records[s], by=records[d].owner, note="n")
        accepted.add((d, s))
    for i in range(NODES):
        assert i not in reference_reachable(accepted, i, up=True)


@pytest.mark.slow  # dozens of generated graphs, each through the database
@pytest.mark.django_db
@PROPERTY
@given(attempts=pairs)
def test_ancestors_and_descendants_agree_with_the_reference(nodes, attempts):
    records = nodes()
    index = {r.pk: i for i, r in enumerate(records)}
    accepted: set[tuple[int, int]] = set()
    for d, s in attempts:
        if d == s or (d, s) in accepted or d in reference_reachable(accepted, s, up=True):
            continue  # refusals are the other test's business
        services.add_source(records[d], records[s], by=records[d].owner, note="n")
        accepted.add((d, s))
    for i, record in enumerate(records):
        up = {index[pk] for pk in graph.reachable(record.pk, "ancestors")}
        down = {index[pk] for pk in graph.reachable(record.pk, "descendants")}
        assert up == reference_reachable(accepted, i, up=True)
        assert down == reference_reachable(accepted, i, up=False)
        assert graph.count(record.pk, "ancestors") == len(up)
        near = {index[pk] for pk in graph.within(record.pk, "ancestors", depth=1)}
        assert near == {s for d, s in accepted if d == i}
        found = graph.ancestry(record.pk)
        assert {index[row[0]] for row in found.records} == up | {i}
        assert {(index[d], index[s]) for d, s, _ in found.edges} == {
            (d, s) for d, s in accepted if d in up | {i}
        }
        assert {index[pk] for pk in graph.ancestors_among(record.pk, list(index))} == up


def reference_steps(edges: set[tuple[int, int]], start: int, up: bool, depth: int) -> dict:
    """Breadth-first: node → the fewest steps from `start`, up to `depth`."""
    steps: dict[int, int] = {}
    frontier = [start]
    for step in range(1, depth + 1):
        frontier = [
            (s if up else d) for d, s in edges for node in frontier if (d if up else s) == node
        ]
        for node in frontier:
            steps.setdefault(node, step)
    return steps


@pytest.mark.slow  # dozens of generated graphs, each through the database
@pytest.mark.django_db
@PROPERTY
@given(attempts=pairs, limit=st.integers(1, 12))
def test_nearest_walks_and_roots_agree_with_the_reference(nodes, attempts, limit):
    records = nodes()
    index = {r.pk: i for i, r in enumerate(records)}
    accepted: set[tuple[int, int]] = set()
    for d, s in attempts:
        if d == s or (d, s) in accepted or d in reference_reachable(accepted, s, up=True):
            continue
        services.add_source(records[d], records[s], by=records[d].owner, note="n")
        accepted.add((d, s))
    for i, record in enumerate(records):
        for direction, up in (("ancestors", True), ("descendants", False)):
            expected = reference_steps(accepted, i, up, 3)
            found, cut = graph.nearest(record.pk, direction, depth=3, limit=None)
            assert ({index[pk]: n for pk, n in found.items()}, cut) == (expected, False)
            found, cut = graph.nearest(record.pk, direction, depth=3, limit=limit)
            near = {index[pk]: n for pk, n in found.items()}
            assert all(expected[node] == n for node, n in near.items())  # the fewest steps
            if not cut:
                assert near == expected
            else:  # nearest first: nothing left out is nearer than what came
                assert max(near.values()) <= min(
                    (n for node, n in expected.items() if node not in near), default=3
                )
        up = reference_reachable(accepted, i, up=True)
        direct = {s for d, s in accepted if d == i}
        roots = sorted(records[n].pk for n in up - direct if not any(d == n for d, _ in accepted))
        assert graph.roots_above(record.pk, limit=3) == roots[:3]
