"""What the home page offers besides trending records (`trending`): released productions
and open calls (for a member, the ones matching their skills first)."""

from __future__ import annotations

from typing import Any

from ensemble.projects.models import Call, Release, visible_to_everyone
from ensemble.projects.services import matching


def releases(limit: int = 6) -> list[Release]:
    return list(
        Release.objects.filter(visible_to_everyone("production__project__"))
        .filter(production__record__visibility="public")
        .select_related("production__record", "production__project")
        .order_by("-released_at", "-id")[:limit]
    )


def open_calls(
    user: Any = None,
    *,
    skills: set[str] | None = None,
    limit: int = 6,
    apart: frozenset[int] = frozenset(),
) -> list[Call]:
    """Open calls closing soonest; those asking for a member's skills first (`skills`,
    or those `user` lists: `projects.services.matching`); none by a member in `apart`
    (a block between them and the member asking, either way: they could not enter)."""
    if skills is None:
        skills = matching.member_skills(user)
    calls = matching.mark_suited(matching.open_calls(apart), skills)
    return list(calls.order_by("-for_you", "deadline", "id")[:limit])
