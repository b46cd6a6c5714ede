"""A rights report upheld by adding the missing credit: the moderator cites the original
the reporter named as a source of the reported record, with the reason. Credit rolls
follow at once (they are computed from the lineage); payment proposals not yet final
built on the record follow it with a new revision and say why, and their leaders are
told (`payments.services.lineage_changes`). The owner may appeal once: granted, the
citation goes again, and the proposals follow that too."""

from __future__ import annotations

from typing import Any

from ensemble.accounts.models import User
from ensemble.core.refusals import Refused
from ensemble.lineage import services as lineage
from ensemble.lineage.models import Source
from ensemble.moderation import targets
from ensemble.moderation.models import AuditEntry, Kind, Report
from ensemble.notifications.services import notify
from ensemble.payments.services import lineage_changes
from ensemble.records.models import Record


def check(report: Report, target: targets.Target | None) -> Record:
    """The original to cite, once every refusal is out of the way."""
    if report.kind != Kind.RECORD or report.reason != Report.Reason.RIGHTS:
        raise Refused(
            "Only a rights report on a record can be upheld by adding a credit.",
            code="not_creditable",
        )
    named_id = report.original_record_id
    original = Record.objects.filter(pk=named_id).first() if named_id else None  # as it is now
    if original is None:
        raise Refused(
            "This report names no original on this site (only a web address, or one since "
            "deleted): dismiss it or remove the record.",
            code="not_creditable",
        )
    if target is None or target.gone:
        raise Refused("It is gone already: dismiss the report.", status=409, code="gone")
    if original.is_deleted:
        raise Refused("The original was removed since: nothing to credit.", status=409, code="gone")
    if not original.is_public:
        raise Refused(
            "The original is not public (a draft, or hidden): a credit to it would name "
            "it to everyone. Dismiss the report, or wait until it is public.",
            status=409,
            code="not_public",
        )
    return original


def named(record: Record) -> str:
    """How a change names a record on public pages (a proposal's notice): its title
    while it is public, its number otherwise."""
    return f"“{record.title}”" if record.is_public else f"record #{record.pk}"


def apply(report: Report, target: targets.Target, original: Record, *, by: User, note: str) -> None:
    """Cite the original (lineage's rules: a cycle, a duplicate or a licence that forbids
    the use is refused with its reason), log it, tell the owner; the proposals follow."""
    derived = target.obj
    edge = lineage.add_missing_credit(
        derived, original, by=by, note=f"Credit added by moderators: {note}"[:500]
    )
    entry = AuditEntry.objects.create(
        actor=by,
        action=AuditEntry.Action.CREDIT,
        kind=Kind.RECORD,
        target_id=derived.pk,
        target_owner_id=derived.owner_id,
        report=report,
        note=note,
        after={"edge": edge.pk, "source": original.pk, "source_title": original.title},
    )
    notify(derived.owner, "credit_added", about=entry)
    lineage_changes.flag(
        derived.pk,
        f"Moderators credited {named(original)} as a source of {named(derived)}.",
        citation=lineage_changes.Citation(derived.pk, original.pk),
    )


def withdraw(entry: AuditEntry) -> dict[str, Any]:
    """Take the added citation back (an appeal granted); the proposals follow."""
    lineage.withdraw_missing_credit(int(entry.after["edge"]))
    source = Record.objects.filter(pk=entry.after.get("source")).first()
    lineage_changes.flag(
        entry.target_id,
        "On appeal, the credit moderators added to "
        f"{named(source) if source else 'a record'} was taken back.",
        citation=lineage_changes.Citation(
            entry.target_id, int(entry.after.get("source", 0)), added=False
        ),
    )
    return {"edge": None}


def still_there(entry: AuditEntry) -> bool:
    return Source.objects.filter(pk=entry.after.get("edge")).exists()
