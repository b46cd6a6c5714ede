"""What the home page offers: released productions, trending records, open calls (for a
member, the ones matching their skills first)."""

from __future__ import annotations

import re
from typing import Any

from django.utils import timezone

from ensemble.projects.models import Call, Project, Release

WORD = re.compile(r"[^\W_]+")


def releases(limit: int = 6) -> list[Release]:
    return list(
        Release.objects.exclude(production__project__status=Project.Status.DRAFT)
        .filter(production__record__visibility="public")
        .select_related("production__record", "production__project")
        .order_by("-released_at", "-id")[:limit]
    )


def open_calls(user: Any = None, *, limit: int = 6) -> list[Call]:
    """Open calls closing soonest; for a member with skills, those whose title or brief
    name one of them first."""
    calls = list(
        Call.objects.filter(status=Call.Status.OPEN, deadline__gt=timezone.now())
        .exclude(project__status=Project.Status.DRAFT)
        .select_related("project")
        .order_by("deadline", "id")[:50]
    )
    skills: set[str] = set()
    if getattr(user, "is_authenticated", False):
        skills = {w.lower() for s in user.skill_list() for w in WORD.findall(s.label)}

    def matches(call: Call) -> int:
        return len(skills & {w.lower() for w in WORD.findall(f"{call.title} {call.brief}")})

    return sorted(calls, key=lambda c: (-matches(c), c.deadline, c.pk))[:limit]
