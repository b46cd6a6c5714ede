"""A line's explanation is a sum that adds up, to the minor unit, to what the line pays:
what came through each record, the part of others' waivers, and the rounding."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ensemble.payments.services.explain import breakdown
from ensemble.payments.split import Inputs, SplitError, split
from ensemble.payments.tests.test_split import POOLS, PROPERTY, lineages


@st.composite
def proposals(draw):
    """A random lineage with what leaders adjust: waivers, exclusions and manual lines."""
    base = draw(lineages())
    people = sorted({p for ps in base.creators.values() for p in ps})
    waived = draw(st.frozensets(st.sampled_from(people), max_size=len(people) - 1))
    manual = draw(st.dictionaries(st.integers(50, 52), st.integers(1, 2_000), max_size=2))
    return Inputs(
        root=1,
        edges=base.edges,
        creators=base.creators,
        pass_through=base.pass_through,
        editor_share=base.editor_share,
        manual={p: Fraction(bp, 10_000) for p, bp in manual.items()},
        waived=waived,
    )


@pytest.mark.slow  # hundreds of generated examples on purpose
@PROPERTY
@given(proposals(), POOLS)
def test_the_explained_parts_of_every_line_sum_exactly_to_the_line(inputs, pool):
    try:
        result = split(inputs, pool)
    except SplitError:
        return  # everyone with a share waived: refused, nothing to explain
    for person in result.by_record:
        explained = breakdown(person, result, pool, inputs.root)
        assert explained.amount == result.cents.get(person, 0)
        assert sum(p.minor for p in explained.parts) + explained.rounding == explained.amount
        assert explained.rounding in (0, 1)
        assert all(abs(p.minor - p.exact) < 1 for p in explained.parts)
        assert (
            sum((p.exact for p in explained.parts), Fraction(0))
            == result.exact.get(person, 0) * pool
        )
        if person in inputs.waived:
            assert explained.amount == 0
            assert [p.kind for p in explained.parts][-1] == "waived"


def test_a_waiver_shows_on_the_lines_that_receive_it():
    # The film (by 1) uses A (by 2) and B (by 3); 3 waives, so 2 gets B's half too.
    inputs = Inputs(
        root=1,
        edges={1: [(2, 1), (3, 1)]},
        creators={1: [1], 2: [2], 3: [3]},
        waived=frozenset({3}),
    )
    result = split(inputs, 64_349)
    mine = breakdown(2, result, 64_349, 1)
    # 32,174.5 each way: the half unit goes to the first part, so they add up.
    parts = [(p.kind, p.minor) for p in mine.parts]
    assert parts == [("record", 32_175), ("redistributed", 32_174)]
    assert (mine.rounding, mine.amount) == (0, 64_349)
    theirs = breakdown(3, result, 64_349, 1)
    assert [(p.kind, p.minor) for p in theirs.parts] == [("record", 32_175), ("waived", -32_175)]
    assert theirs.amount == 0


def test_the_rounding_is_a_part_of_its_own():
    inputs = Inputs(
        root=1, edges={1: [(2, 1), (3, 1), (4, 1)]}, creators={1: [1], 2: [2], 3: [3], 4: [4]}
    )
    result = split(inputs, 100)
    first = breakdown(2, result, 100, 1)
    assert ([p.minor for p in first.parts], first.rounding, first.amount) == ([33], 1, 34)
    assert breakdown(3, result, 100, 1).rounding == 0


def test_a_record_that_passes_money_on_says_so():
    # The character (2) uses a sketch (4); the prop (3) uses nothing: it keeps it all.
    inputs = Inputs(
        root=1, edges={1: [(2, 1), (3, 1)], 2: [(4, 1)]}, creators={1: [1], 2: [2], 3: [3], 4: [4]}
    )
    result = split(inputs, 1_000)
    character = breakdown(2, result, 1_000, 1).parts[0].through
    prop = breakdown(3, result, 1_000, 1).parts[0].through
    assert (character.sources, character.received * 1_000, character.kept * 1_000) == (1, 500, 250)
    assert (prop.sources, prop.received * 1_000, prop.kept * 1_000) == (0, 500, 500)
