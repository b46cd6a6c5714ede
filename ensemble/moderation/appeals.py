"""Appeals: the owner of a thing moderators removed or hid, or a member they suspended, asks
once for it to be undone; another moderator than the one who acted decides. Granted,
the thing is given back as it was (its files were kept) or the suspension ends; denied,
it stands. Both are in the audit log, and the owner is told, by the moderators as a
team. A banned member cannot sign in to appeal: they write to the operators."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from ensemble.accounts.models import User
from ensemble.community.services import comments
from ensemble.core.refusals import Refused
from ensemble.moderation import credit, hiding, sanctions, services, targets
from ensemble.moderation.models import Appeal, AuditEntry, Kind
from ensemble.notifications.services import notify
from ensemble.records import takedown

APPEALABLE = (  # a ban: by writing to the operators
    AuditEntry.Action.REMOVE,
    AuditEntry.Action.HIDE,
    AuditEntry.Action.SUSPEND,
    AuditEntry.Action.CREDIT,
)


def action_for(user: User, entry_id: int) -> AuditEntry:
    """A moderation action on this member's thing, which they may appeal; Http404 for
    any other (an action on someone else's thing does not exist for them)."""
    entry = AuditEntry.objects.filter(pk=entry_id, target_owner=user).first()
    if entry is None:
        raise Http404
    return entry


def appeal(entry: AuditEntry, *, by: User, text: str) -> Appeal:
    """The owner's one appeal against `entry`."""
    if entry.target_owner_id != by.pk:
        raise Http404
    if entry.action not in APPEALABLE:
        raise Refused(
            "Only a removal, a hiding, a suspension or an added credit can be appealed.",
            code="not_appealable",
        )
    text = services.clean_text(text, field="text", label="appeal")
    try:
        with transaction.atomic():  # the one-to-one decides between two at once
            return Appeal.objects.create(action=entry, appellant=by, text=text)
    except IntegrityError:
        raise Refused(
            "You appealed this already: each decision can be appealed once.",
            status=409,
            code="duplicate",
        ) from None


def appeal_for(user: User, appeal_id: int) -> Appeal:
    """An appeal its appellant or a moderator may read; Http404 for anyone else."""
    found = (
        Appeal.objects.select_related("action__actor", "action__report", "appellant", "decided_by")
        .filter(pk=appeal_id)
        .first()
    )
    if found is None or not (found.appellant_id == user.pk or services.is_moderator(user)):
        raise Http404
    return found


def open_appeals() -> QuerySet[Appeal]:
    """For moderators, oldest first."""
    return (
        Appeal.objects.filter(state=Appeal.State.OPEN)
        .select_related("action__actor", "appellant")
        .order_by("id")
    )


def decide(appeal: Appeal, *, by: User, grant: bool, note: str) -> Appeal:
    """Grant (give the thing back) or deny, with the reason the owner is told."""
    if not services.is_moderator(by):
        raise Http404
    note = services.clean_text(note, field="note", label="reason")
    entry = appeal.action
    if entry.actor_id == by.pk:
        raise Refused(
            "You made this decision: another moderator decides the appeal.",
            status=403,
            code="own",
        )
    if entry.target_owner_id == by.pk:
        raise Refused(
            "This is your own work: another moderator decides it.", status=403, code="own"
        )
    target = targets.load(entry.kind, entry.target_id)
    if grant and not _undoable(entry, target):
        raise Refused("There is nothing to undo any more.", status=409, code="gone")
    state = Appeal.State.GRANTED if grant else Appeal.State.DENIED
    with transaction.atomic():
        # Conditional: of two moderators deciding at once, one changes the row.
        changed = Appeal.objects.filter(pk=appeal.pk, state=Appeal.State.OPEN).update(
            state=state, decided_by=by, decided_at=timezone.now(), outcome=note
        )
        if not changed:
            raise Refused("This appeal was decided already.", status=409, code="decided")
        before, after = {}, {}
        if grant:
            assert target is not None  # checked above
            before, after = entry.after, _give_back(target, entry)
        AuditEntry.objects.create(
            actor=by,
            action=AuditEntry.Action.RESTORE if grant else AuditEntry.Action.KEEP,
            kind=entry.kind,
            target_id=entry.target_id,
            target_owner_id=entry.target_owner_id,
            report=entry.report,
            note=note,
            before=before,
            after=after,
        )
    appeal.refresh_from_db()
    if appeal.appellant is not None:
        notify(appeal.appellant, "appeal_decided", about=appeal)
    return appeal


def _undoable(entry: AuditEntry, target: targets.Target | None) -> bool:
    """Whether what `entry` did still holds: the thing still removed, the member still
    suspended."""
    if target is None:
        return False
    if entry.action == AuditEntry.Action.SUSPEND:
        return bool(target.obj.is_suspended)
    if entry.action == AuditEntry.Action.CREDIT:
        return credit.still_there(entry)
    if entry.action == AuditEntry.Action.HIDE:
        return hiding.still_hidden(target.obj)
    return target.gone


def _give_back(target: targets.Target, entry: AuditEntry) -> dict[str, object]:
    if entry.action == AuditEntry.Action.SUSPEND:
        return sanctions.lift(target.obj)
    if entry.action == AuditEntry.Action.CREDIT:
        return credit.withdraw(entry)
    if entry.action == AuditEntry.Action.HIDE:
        return hiding.undone(entry, target.obj)
    if target.kind == Kind.RECORD:
        takedown.restore(target.obj, entry.before)
        return {"title": target.obj.title, "removed": False}
    comments.restore(target.obj, str(entry.before.get("body", "")))
    return {"removed": False}
