"""Why a line is what it is: the records that gave a person their share, and for each,
the path the money took down from the production, step by step with its weights."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gmpy2 import mpq

from ensemble.payments import split
from ensemble.payments.models import Revision
from ensemble.payments.services.proposals import gc_paused, inputs_for
from ensemble.records.models import Record


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


def result_for(revision: Revision) -> split.Result:
    """The split of a revision, computed again from its frozen inputs (exactly the same:
    the split is deterministic)."""
    proposal = revision.proposal
    with gc_paused():
        return split.split(inputs_for(proposal.snapshot, revision.adjustments), proposal.amount)


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
        found.append(Through(record=key, share=share, kept=result.kept.get(key, mpq(0)),
                             received=result.received.get(key, mpq(0)),
                             path=_main_path(result, key, root)))  # fmt: skip
    return sorted(found, key=lambda t: (-t.share, t.record))


def titles(throughs: list[Through]) -> dict[int, str]:
    ids = {t.record for t in throughs} | {s.derived for t in throughs for s in t.path}
    return dict(Record.objects.filter(pk__in=ids).values_list("pk", "title"))
