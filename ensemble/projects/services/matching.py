"""Which open calls suit a member: the skills a call asks for against the skills a member
lists on their profile.

A call names the skills it wants (`Call.skills`). One that names none is matched through
the kinds it takes: a call for images suits illustrators, photographers and designers.
A call that names neither asks everyone and suits no one in particular, so it is listed
for all but never put first for anyone.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Case, Q, QuerySet, Value, When
from django.utils import timezone

from ensemble.accounts.models import Skill
from ensemble.projects.models import Call, call_visible_to_everyone
from ensemble.records.models import Record

# The skills that make each kind of record: what a call for that kind asks of people.
KIND_SKILLS: dict[str, set[str]] = {
    Record.Kind.TEXT: {Skill.WRITING, Skill.TRANSLATION},
    Record.Kind.IMAGE: {Skill.ILLUSTRATION, Skill.PHOTOGRAPHY, Skill.DESIGN},
    Record.Kind.AUDIO: {Skill.MUSIC, Skill.VOICE, Skill.SOUND},
    Record.Kind.VIDEO: {Skill.ANIMATION, Skill.CAMERA, Skill.EDITING, Skill.PERFORMANCE},
    Record.Kind.OTHER: set(),
}


def _json_has(field: str, value: str) -> Q:
    # Values are plain lower-case words, so the quoted word matches exactly in the JSON
    # text, on SQLite and PostgreSQL alike (as `accepted_kinds` is filtered).
    return Q(**{f"{field}__icontains": f'"{value}"'})


def takes_kind(kind: str) -> Q:
    """Calls that accept records of this kind (those listing it, or listing none)."""
    return Q(accepted_kinds=[]) | _json_has("accepted_kinds", kind)


def suits(skills: Iterable[str]) -> Q:
    """Calls asking for one of these skills: by name, or by kind when they name none.
    No skills: a condition nothing meets."""
    wanted = set(skills) & set(Skill.values)
    named = Q(pk__in=[])
    for skill in sorted(wanted):
        named |= _json_has("skills", skill)
    by_kind = Q(pk__in=[])
    for kind, makers in KIND_SKILLS.items():
        if makers & wanted:
            by_kind |= _json_has("accepted_kinds", kind)
    return named | (Q(skills=[]) & by_kind)


def mark_suited(calls: QuerySet[Call], skills: Iterable[str]) -> QuerySet[Any]:
    """The calls, each with `for_you`: 1 if it asks for one of these skills, else 0 (to
    order by, or to mark on a page)."""
    return calls.annotate(for_you=Case(When(suits(skills), then=Value(1)), default=Value(0)))


def open_calls(apart: Iterable[int] = ()) -> QuerySet[Call]:
    """Calls taking entries now, of projects everyone may see (or of no project); none
    by a member in `apart` (a block between them and the member asking, either way:
    they could not enter, or do not want to see them)."""
    calls = Call.objects.filter(status=Call.Status.OPEN, deadline__gt=timezone.now()).filter(
        call_visible_to_everyone()
    )
    if apart:
        calls = calls.exclude(project__owner_id__in=apart).exclude(created_by_id__in=apart)
    return calls.select_related("project")


def member_skills(user: object) -> set[str]:
    """The skills a member lists (none for a visitor)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return {skill.value for skill in user.skill_list()}  # type: ignore[attr-defined]
