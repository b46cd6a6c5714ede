"""Projects' part of a member's export (`accounts.exports`): the projects they own and
their entries to calls, with the decisions and notes on them."""

from __future__ import annotations

from ensemble.accounts.exports import Part
from ensemble.accounts.models import User
from ensemble.projects.models import Decision, Entry, Project


def collect(user: User) -> Part:
    entries = list(
        Entry.objects.filter(entrant=user)
        .values("id", "call_id", "call__title", "record_id", "state", "created_at")
        .order_by("pk")
    )
    decisions: dict[int, list[dict[str, object]]] = {}
    notes = Decision.objects.filter(entry__entrant=user).order_by("created_at", "pk")
    fields = ("from_state", "to_state", "note", "created_at")
    for entry_id, *values in notes.values_list("entry_id", *fields):
        decisions.setdefault(entry_id, []).append(dict(zip(fields, values, strict=True)))
    return Part(
        {
            "projects": list(
                Project.objects.filter(owner=user)
                .values("slug", "title", "description", "status", "created_at")
                .order_by("pk")
            ),
            "entries": [{**e, "decisions": decisions.get(int(e["id"]), [])} for e in entries],
        }
    )
