"""A report upheld by hiding a record or a project: it keeps its content and its place,
but only its owner (a project's leaders) and the moderators see it, with the reason.

- A record (`records.takedown.hide`) is like a draft to everyone else, while its
  creators keep their credit and their share of payments.
- A project (`projects.services.hide`) is like a draft project: its page, calls,
  pools and comments are its leaders' and the moderators' only.

Milder than removing, for what may come back once fixed or explained; the owner may
appeal once, and granted, it is shown again."""

from __future__ import annotations

from typing import Any

from ensemble.accounts.models import User
from ensemble.core.refusals import Refused
from ensemble.moderation import targets
from ensemble.moderation.models import AuditEntry, Kind, Report
from ensemble.notifications.services import notify
from ensemble.projects import services as projects
from ensemble.projects.models import Production, Project
from ensemble.records import takedown
from ensemble.records.models import Record

HIDEABLE = (Kind.RECORD, Kind.PROJECT)


def check(report: Report, target: targets.Target | None) -> Any:
    """The record or project to hide, once every refusal is out of the way."""
    if report.kind not in HIDEABLE:
        raise Refused(
            "Only records and projects can be hidden: remove a comment, or dismiss the report.",
            code="not_hideable",
        )
    if target is None or target.gone:
        raise Refused("It is gone already: dismiss the report.", status=409, code="gone")
    shown = (
        target.obj.visibility == Record.Visibility.PUBLIC
        if report.kind == Kind.RECORD
        else target.obj.is_visible_to_everyone
    )
    if report.kind == Kind.RECORD and Production.objects.filter(record=target.obj).exists():
        raise Refused(
            "This record is a project's production, named on its pages and payments: "
            "hide the project instead.",
            status=409,
            code="production",
        )
    if not shown:
        raise Refused(
            f"Only a public {report.kind} can be hidden: this one is hidden already or a draft.",
            status=409,
            code="not_public",
        )
    return target.obj


def apply(report: Report, thing: Any, *, by: User, note: str) -> AuditEntry:
    """Hide it, log it, tell its owner (by the moderators as a team)."""
    if isinstance(thing, Project):
        before = projects.hide(thing, note)
        after: dict[str, Any] = {"hidden": True}
    else:
        before = takedown.hide(thing, note)
        after = {"visibility": thing.visibility}
    entry = AuditEntry.objects.create(
        actor=by,
        action=AuditEntry.Action.HIDE,
        kind=report.kind,
        target_id=thing.pk,
        target_owner_id=thing.owner_id,
        report=report,
        note=note,
        before=before,
        after=after,
    )
    notify(thing.owner, "content_hidden", about=report, actor=None)
    return entry


def undone(entry: AuditEntry, thing: Any) -> dict[str, object]:
    """Show it again (an appeal granted); what it is now, for the log."""
    if isinstance(thing, Project):
        projects.show(thing)
        return {"hidden": False}
    takedown.show(thing)
    return {"visibility": thing.visibility}


def still_hidden(thing: Any) -> bool:
    if isinstance(thing, Project):
        return thing.hidden_at is not None
    return bool(thing.visibility == Record.Visibility.HIDDEN and not thing.is_deleted)
