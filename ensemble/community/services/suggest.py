"""Open calls a record could go into: "open calls you could enter with this", shown to
its owner once it is published."""

from __future__ import annotations

import re

from django.db.models import Q
from django.utils import timezone

from ensemble.projects.models import Call, Entry, Project
from ensemble.records.models import Record

WORD = re.compile(r"[^\W_]+")
CANDIDATES = 50


def calls_for(record: Record, *, limit: int = 3) -> list[Call]:
    """Open calls that take this kind of record, that it is not entered in yet, best
    matching first: words of its tags and its owner's skills found in the call's title
    and brief, then the soonest deadline."""
    if not record.is_public:
        return []
    kind = record.kind
    open_calls = (
        Call.objects.filter(status=Call.Status.OPEN, deadline__gt=timezone.now())
        .exclude(project__status=Project.Status.DRAFT)
        .filter(Q(accepted_kinds=[]) | Q(accepted_kinds__icontains=f'"{kind}"'))
        .exclude(pk__in=Entry.objects.filter(record=record).values("call_id"))
        .select_related("project")
        .order_by("deadline", "id")[:CANDIDATES]
    )
    wanted = {w.lower() for name in record.tags.values_list("name", flat=True)
              for w in WORD.findall(name)}  # fmt: skip
    wanted |= {w.lower() for skill in record.owner.skill_list() for w in WORD.findall(skill.label)}

    def score(call: Call) -> int:
        words = {w.lower() for w in WORD.findall(f"{call.title} {call.brief}")}
        return len(wanted & words)

    ranked = sorted(open_calls, key=lambda c: (-score(c), c.deadline, c.pk))
    return ranked[:limit]
