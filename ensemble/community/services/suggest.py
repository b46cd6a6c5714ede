"""Open calls a record could go into: "open calls you could enter with this", shown to
its owner once it is published."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ensemble.accounts import blocks
from ensemble.projects.models import Call, Entry
from ensemble.projects.services import matching
from ensemble.records.models import Record

WORD = re.compile(r"[^\W_]+")
CANDIDATES = 50


def calls_for(record: Record, *, limit: int = 3) -> list[Call]:
    """Open calls that take this kind of record, that it is not entered in yet, best
    matching first: a call asking for its owner's skills, then words of its tags found
    in the call's title and brief, then the soonest deadline."""
    if not record.is_public:
        return []
    takes_it = (
        matching.open_calls(apart=blocks.either_way(record.owner))
        .filter(matching.takes_kind(record.kind))
        .exclude(pk__in=Entry.objects.filter(record=record).values("call_id"))
    )
    candidates: Iterable[Call] = matching.mark_suited(
        takes_it, matching.member_skills(record.owner)
    ).order_by("-for_you", "deadline", "id")[:CANDIDATES]
    wanted = {
        w.lower() for name in record.tags.values_list("name", flat=True) for w in WORD.findall(name)
    }

    def score(call: Call) -> tuple[int, int]:
        words = {w.lower() for w in WORD.findall(f"{call.title} {call.brief}")}
        return call.for_you, len(wanted & words)  # type: ignore[attr-defined]

    ranked = sorted(candidates, key=lambda c: (*(-n for n in score(c)), c.deadline, c.pk))
    return ranked[:limit]
