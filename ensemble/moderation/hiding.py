"""A report upheld by hiding a record: it keeps its title, content and place, but only
its owner and the moderators see it, with the reason (`records.takedown.hide`: to
everyone else it is like a draft, while its creators keep their credit and their
share of payments). Milder than removing, for what may come back once it is fixed or
explained; the owner may appeal once, and granted, it is public again."""

from __future__ import annotations

from ensemble.accounts.models import User
from ensemble.core.refusals import Refused
from ensemble.moderation import targets
from ensemble.moderation.models import AuditEntry, Kind, Report
from ensemble.notifications.services import notify
from ensemble.records import takedown
from ensemble.records.models import Record


def check(report: Report, target: targets.Target | None) -> Record:
    """The record to hide, once every refusal is out of the way."""
    if report.kind != Kind.RECORD:
        raise Refused(
            "Only records can be hidden so far: remove a comment, or dismiss the report.",
            code="not_hideable",
        )
    if target is None or target.gone:
        raise Refused("It is gone already: dismiss the report.", status=409, code="gone")
    record: Record = target.obj
    if record.visibility != Record.Visibility.PUBLIC:
        raise Refused(
            "Only a public record can be hidden: this one is hidden already or a draft.",
            status=409,
            code="not_public",
        )
    return record


def apply(report: Report, record: Record, *, by: User, note: str) -> AuditEntry:
    """Hide it, log it, tell its owner (by the moderators as a team)."""
    before = takedown.hide(record, note)
    entry = AuditEntry.objects.create(
        actor=by,
        action=AuditEntry.Action.HIDE,
        kind=Kind.RECORD,
        target_id=record.pk,
        target_owner_id=record.owner_id,
        report=report,
        note=note,
        before=before,
        after={"visibility": record.visibility},
    )
    notify(record.owner, "content_hidden", about=report, actor=None)
    return entry


def undone(entry: AuditEntry, record: Record) -> dict[str, object]:
    """Show it again (an appeal granted); what it is now, for the log."""
    takedown.show(record)
    return {"visibility": record.visibility}


def still_hidden(record: Record) -> bool:
    return record.visibility == Record.Visibility.HIDDEN and not record.is_deleted
