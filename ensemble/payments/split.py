"""The suggested split: a pool passed down a production's lineage, exactly, then rounded
once to minor units. Pure Python over plain values: `services/snapshot.py` freezes the
graph and `services/proposals.inputs_for` makes the `Inputs` of it.

Steps (DESIGN.md, "Suggested split"), for a production P and a pool of N minor units:

1. Manual lines (people whose influence is not in the lineage) take their share of the
   pool off the top. P keeps the editor share of the rest for its creators and passes the
   remainder to its direct sources in proportion to the edge weights.
2. Any other record keeps `1 - pass_through` of what it receives for its creators and
   passes `pass_through` to its sources by weight. A record with no sources (or whose
   sources all weigh 0) keeps everything. A record reached by several paths receives the
   sum; records are visited in topological order, so each is complete before it passes on.
3. What a record keeps is shared equally among its creators.
4. Waived and excluded people's amounts, and what records with nobody left to pay kept,
   go to everyone else in proportion to theirs.
5. All of that is exact (rationals); the cents come from one rounding by the largest
   remainder method, ties broken by person id, so the lines sum exactly to N and the same
   inputs always give the same cents.

Linear in the size of the lineage; the arithmetic is GMP's exact rationals (`gmpy2.mpq`),
several times faster than `fractions.Fraction` on the long denominators a deep lineage
makes. Every amount explains itself: `Result.inflows(record)` gives
what a record received from each record above it, `Result.kept` what it kept, and
`Result.by_record` what each person got through each record.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from gmpy2 import mpq

Weight = int | Fraction
ZERO = mpq(0)


@dataclass(frozen=True)
class Inputs:
    root: int  # the production's record
    edges: Mapping[int, list[tuple[int, Weight]]]  # derived -> [(source, weight)]
    creators: Mapping[int, list[int]]  # record -> people who share what it keeps
    pass_through: Fraction = Fraction(1, 2)
    editor_share: Fraction = Fraction(0)
    manual: Mapping[int, Fraction] = field(default_factory=dict)  # person -> share of pool
    waived: frozenset[int] = frozenset()  # people whose share goes to the others


@dataclass
class Result:
    """Shares are exact rationals (`mpq`, which compare and convert like `Fraction`)."""

    exact: dict[int, mpq]  # person -> exact share of the pool (sums to 1)
    cents: dict[int, int]  # person -> minor units (sums to the pool)
    kept: dict[int, mpq]  # record -> share of the pool it kept for its creators
    received: dict[int, mpq]  # record -> share of the pool it received in all
    unit: dict[int, mpq]  # record -> what it passed per unit of weight (see `inflows`)
    edges: Mapping[int, list[tuple[int, Weight]]]  # the edges the split went down
    by_record: dict[int, dict[int, mpq]]  # person -> {record: share through it (0: manual)}
    redistributed: mpq  # share of the pool moved by waivers (and unowned records)
    _cited_by: dict[int, list[tuple[int, Weight]]] | None = None

    def inflows(self, record: int) -> dict[int, mpq]:
        """What `record` received from each record citing it: the "paths" of an
        explanation, one step at a time. Built on demand; a split needs none of it."""
        if self._cited_by is None:
            self._cited_by = defaultdict(list)
            for derived, targets in self.edges.items():
                for source, weight in targets:
                    self._cited_by[source].append((derived, weight))
        return {
            derived: self.unit[derived] * weight
            for derived, weight in self._cited_by.get(record, ())
            if weight and derived in self.unit
        }


class SplitError(ValueError):
    """Inputs no split can come from (a cycle, weights below 0, shares out of range)."""


def _order(root: int, edges: Mapping[int, list[tuple[int, Weight]]]) -> list[int]:
    """The records reachable from `root`, each after every record that cites it: the
    reverse of a depth-first post-order, which also finds any cycle on the way."""
    done: set[int] = set()
    on_path = {root}
    post: list[int] = []
    stack = [(root, iter(edges.get(root, ())))]
    while stack:
        record, sources = stack[-1]
        for source, _ in sources:
            if source in on_path:
                raise SplitError("The lineage has a cycle; no split can be computed.")
            if source not in done:
                on_path.add(source)
                stack.append((source, iter(edges.get(source, ()))))
                break
        else:
            stack.pop()
            on_path.discard(record)
            done.add(record)
            post.append(record)
    post.reverse()
    return post


def _check(inputs: Inputs) -> None:
    """Refuse impossible inputs. (Each (derived, source) pair is listed once, as the
    lineage's unique constraint guarantees.)"""
    if not 0 <= inputs.pass_through <= 1:
        raise SplitError("The pass-through must be between 0 and 1.")
    if not 0 <= inputs.editor_share <= 1:
        raise SplitError("The editor share must be between 0 and 1.")
    if any(share <= 0 for share in inputs.manual.values()):
        raise SplitError("A manual line must have a share above 0.")
    if sum(inputs.manual.values(), Fraction(0)) >= 1:
        raise SplitError("Manual lines must leave something for the lineage.")
    weights = (w for targets in inputs.edges.values() for _, w in targets)
    if min(weights, default=0) < 0:
        raise SplitError("Edge weights cannot be below 0.")


def compute(inputs: Inputs) -> Result:
    """The exact shares (fractions of the whole pool), with their explanations."""
    _check(inputs)
    edges = inputs.edges
    order = _order(inputs.root, edges)
    manual_total = mpq(sum(inputs.manual.values(), Fraction(0)))
    pass_through = mpq(inputs.pass_through)
    root_passes = 1 - mpq(inputs.editor_share)
    received: dict[int, mpq] = defaultdict(mpq)
    received[inputs.root] = 1 - manual_total
    unit: dict[int, mpq] = {}
    kept: dict[int, mpq] = {}
    for record in order:
        amount = received[record]
        targets = edges.get(record)
        total_weight = sum(w for _, w in targets) if targets else 0
        if not amount or not total_weight:
            kept[record] = amount
            continue
        passed = amount * (root_passes if record == inputs.root else pass_through)
        kept[record] = amount - passed
        per_weight = unit[record] = passed / total_weight
        for source, weight in targets:  # type: ignore[union-attr]
            if weight:
                received[source] += per_weight * weight

    by_record: dict[int, dict[int, mpq]] = defaultdict(dict)
    unowned = ZERO
    for record, amount in kept.items():
        if not amount:
            continue
        people = sorted(set(inputs.creators.get(record, ())))
        if not people:
            unowned += amount  # nobody to pay (a record with no creator left)
            continue
        each = amount / len(people)
        for person in people:
            mine = by_record[person]
            mine[record] = mine.get(record, ZERO) + each
    for person, share in inputs.manual.items():
        mine = by_record[person]
        mine[0] = mine.get(0, ZERO) + mpq(share)  # 0: a manual line, through no record

    before = {p: sum(r.values(), ZERO) for p, r in by_record.items()}
    waived = sum((s for p, s in before.items() if p in inputs.waived), ZERO)
    moved = waived + unowned
    staying = {p: s for p, s in before.items() if p not in inputs.waived and s > 0}
    if not staying:
        raise SplitError("Everyone in the split waived or was excluded; nobody is left to pay.")
    base = sum(staying.values(), ZERO)
    return Result(
        exact={p: s + moved * s / base for p, s in staying.items()},
        cents={},
        kept=kept,
        received=dict(received),
        unit=unit,
        edges=edges,
        by_record=dict(by_record),
        redistributed=moved,
    )


def largest_remainder(total: int, shares: Mapping[int, mpq | Fraction]) -> dict[int, int]:
    """Round exact shares (summing to 1) of `total` minor units to whole units that sum to
    exactly `total`: everyone gets the floor, then the units left go to the largest
    remainders, ties to the smaller key."""
    if total < 0:
        raise SplitError("Only an amount of 0 or more can be split.")
    floors: dict[int, int] = {}
    remainders: list[tuple[mpq, int]] = []
    for key, share in shares.items():
        exact = mpq(share) * total
        whole = int(exact.numerator // exact.denominator)
        floors[key] = whole
        remainders.append((exact - whole, key))
    left = total - sum(floors.values())
    remainders.sort(key=lambda item: (-item[0], item[1]))
    for _, key in remainders[:left]:
        floors[key] += 1
    return floors


def split(inputs: Inputs, total: int) -> Result:
    """`compute`, then the cents for a pool of `total` minor units."""
    result = compute(inputs)
    result.cents = largest_remainder(total, result.exact)
    return result
