"""Why a line is what it is: the records that gave a person their share, and for each,
the path the money took down from the production, step by step with its weights; then
the same as a sum that adds up, to the minor unit, to what the line pays (`breakdown`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gmpy2 import mpq

from ensemble.payments import split
from ensemble.payments.models import Revision
from ensemble.payments.services import snapshot
from ensemble.payments.services.proposals import gc_paused, inputs_for
from ensemble.records.models import Record
from ensemble.records.takedown import HIDDEN_TITLE  # a hidden record's creators are paid


@dataclass(frozen=True)
class Step:
    source: int  # the record that received
    derived: int  # from the record that cited it
    weight: Any
    share: mpq  # of the whole pool, through this edge


@dataclass(frozen=True)
class Through:
    record: int
    share: mpq  # what this person got through the record (their part of what it kept)
    kept: mpq  # what the record kept, shared among its creators
    received: mpq  # what the record received in all
    path: list[Step]  # the largest stream into it, back up to the production
    sources: int = 0  # how many of its own sources it passed money on to
    cited: int = 0  # how many sources it cites, those weighing 0 (inspirations) included
    sharers: int = 1  # how many creators share what it kept (this person among them)


def result_for(revision: Revision) -> split.Result:
    """The split of a revision, computed again from its frozen inputs (exactly the same:
    the split is deterministic)."""
    proposal = revision.proposal
    with gc_paused():
        return split.split(inputs_for(snapshot.of(revision), revision.adjustments), proposal.amount)


def _main_path(result: split.Result, record: int, root: int) -> list[Step]:
    """Following the largest inflow at each step: the readable "how it got here"."""
    steps: list[Step] = []
    seen = {record}
    while record != root:
        inflows = result.inflows(record)
        if not inflows:
            break
        derived, share = max(inflows.items(), key=lambda item: (item[1], -item[0]))
        if derived in seen:
            break
        weight = next(w for s, w in result.edges.get(derived, ()) if s == record)
        steps.append(Step(source=record, derived=derived, weight=weight, share=share))
        seen.add(derived)
        record = derived
    return steps


def explain(user_id: int, result: split.Result, root: int) -> list[Through]:
    """The records through which `user_id` got their share in `result` (see
    `result_for`); `root` is the production's record."""
    found = []
    for key, share in result.by_record.get(user_id, {}).items():
        if key == 0:  # a manual line: through no record
            found.append(Through(0, share, share, share, []))
            continue
        kept = result.kept.get(key, mpq(0))
        cited = result.edges.get(key, ())
        paid = [s for s, w in cited if w] if key in result.unit else []
        found.append(
            Through(
                record=key,
                share=share,
                kept=kept,
                received=result.received.get(key, mpq(0)),
                path=_main_path(result, key, root),
                sources=len(paid),
                cited=len(cited),
                sharers=int(kept / share) if share else 1,
            )
        )
    return sorted(found, key=lambda t: (-t.share, t.record))


def titles(throughs: list[Through]) -> dict[int, str]:
    ids = {t.record for t in throughs} | {s.derived for t in throughs for s in t.path}
    return {
        pk: HIDDEN_TITLE if visibility == Record.Visibility.HIDDEN else title
        for pk, title, visibility in Record.objects.filter(pk__in=ids).values_list(
            "pk", "title", "visibility"
        )
    }


@dataclass(frozen=True)
class Part:
    """One addend of a line, in minor units of the pool."""

    kind: str  # "record" | "manual" | "redistributed" (others' waivers) | "waived"
    exact: mpq  # the exact amount, in (fractions of) minor units
    minor: int  # the whole minor units shown: within one of `exact`
    through: Through | None = None  # for "record" and "manual"


@dataclass(frozen=True)
class Breakdown:
    """A line as a sum: `sum(p.minor for p in parts) + rounding == amount`, always."""

    parts: list[Part]
    rounding: int  # what the split's one rounding added to this line: 0 or 1 minor unit
    amount: int  # what the line pays


def _floor(value: mpq) -> int:
    return int(value.numerator // value.denominator)


def _apportion(target: int, exact: list[mpq]) -> list[int]:
    """Whole units within one of each exact value that sum to `target` (the floor of the
    exact total): the floors, then one more for the largest fractions, ties to the
    first listed. The same largest-remainder method as the split's own rounding."""
    floors = [_floor(x) for x in exact]
    left = target - sum(floors)  # 0 <= left < len(exact): the fractions sum to less
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return floors


def breakdown(user_id: int, result: split.Result, total: int, root: int) -> Breakdown:
    """What `user_id`'s line in a split of `total` minor units is made of, visibly adding
    up to it: what came through each record (or a manual line), their part of what others
    waived (or what was given away, for a waived line), and the split's final rounding.

    The split keeps everything exact and rounds once, per person; so the parts here are
    the exact amounts rounded (largest remainder) to whole units summing to the floor of
    the exact line, and the rounding is the 0 or 1 unit the split's rounding added.
    """
    throughs = explain(user_id, result, root)
    exact = [t.share * total for t in throughs]
    kinds = ["manual" if t.record == 0 else "record" for t in throughs]
    line_share = result.exact.get(user_id, mpq(0))
    moved = line_share - sum((t.share for t in throughs), mpq(0))
    if moved:
        # Someone waived (a share given to others) has no exact share left at all.
        kinds.append("waived" if user_id not in result.exact else "redistributed")
        exact.append(moved * total)
    whole = _floor(line_share * total)
    minors = _apportion(whole, exact)
    through: list[Through | None] = [*throughs, None]  # the last, if any, moved by waivers
    parts = [
        Part(kind=kind, exact=value, minor=minor, through=through[i])
        for i, (kind, value, minor) in enumerate(zip(kinds, exact, minors, strict=True))
    ]
    amount = result.cents.get(user_id, 0)
    return Breakdown(parts=parts, rounding=amount - whole, amount=amount)
