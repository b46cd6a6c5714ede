"""Reports and what moderators do with them. Views, the API and the CLI all come here.

Who may: any member reports what they can see (not their own things, once at a time
per thing); the reporter and the moderators write on a report; only moderators decide,
never on their own things or on a report they filed themselves. Every decision is one
transaction with its audit entry; two moderators deciding the same report at once get
one decision and one "already decided"."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from ensemble.accounts.models import User
from ensemble.community.services import comments
from ensemble.core.refusals import Refused
from ensemble.core.text import checked_text
from ensemble.lineage.models import Source
from ensemble.moderation import credit, hiding, sanctions, targets
from ensemble.moderation.models import TEXT_LENGTH, AuditEntry, Kind, Report, ReportMessage
from ensemble.notifications.services import notify, notify_many
from ensemble.payments.services import lineage_changes
from ensemble.records import access, takedown
from ensemble.records.models import Record

REMOVABLE = (Kind.RECORD, Kind.COMMENT)  # what "remove" acts on so far
DECISIONS = (  # what a report may be decided with
    AuditEntry.Action.DISMISS,
    AuditEntry.Action.REMOVE,
    AuditEntry.Action.HIDE,
    AuditEntry.Action.CREDIT,
    *sanctions.ACTIONS,
)


def is_moderator(user: Any) -> bool:
    """Granted by an operator (`ensemble moderators grant NAME`, or the permission
    `moderation.moderate` in Django's admin); superusers have it too."""
    return isinstance(user, User) and user.is_active and user.has_perm("moderation.moderate")


def clean_text(value: str, *, field: str, label: str, required: bool = True) -> str:
    value = checked_text((value or "").strip(), field=field, label=label, multiline=True)
    if required and not value:
        raise Refused(f"Write the {label}: a sentence is enough.", field=field)
    if len(value) > TEXT_LENGTH:
        raise Refused(f"The {label} can be at most {TEXT_LENGTH:,} characters.", field=field)
    return value


def _original(
    reporter: User, reported: targets.Target, record_id: int | None, url: str
) -> tuple[Record | None, str]:
    """What a rights report names as the original: a record the reporter can see (not
    the reported one), or a web address; at least one of them."""
    url = (url or "").strip()
    if url:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 500:
            raise Refused("Give the original's address as an http(s) link.", field="original_url")
    record = None
    if record_id is not None:
        record = Record.objects.filter(pk=record_id).first()
        if record is None or not access.can_view(reporter, record):
            raise Refused("There is no such record to name as the original.", field="original")
        if reported.kind == Kind.RECORD and record.pk == reported.obj.pk:
            raise Refused("Name the original, not the reported record.", field="original")
    if record is None and not url:
        raise Refused(
            "Name the original: a record here, or a link to where it was first published.",
            field="original",
        )
    return record, url


def file_report(
    reporter: User,
    kind: str,
    target_id: int | None,
    *,
    reason: str,
    text: str,
    original_record: int | None = None,
    original_url: str = "",
) -> Report:
    """Report a thing the reporter can see. Http404 for what they cannot; Refused for
    their own things, a second open report on the same thing, or a bad reason or text."""
    target = targets.find(kind, target_id, reporter)
    if target.owner_id == reporter.pk:
        what = "yourself" if kind == Kind.MEMBER else "your own things"
        raise Refused(f"You cannot report {what}.", status=422, code="own")
    if reason not in Report.Reason.values:
        raise Refused("Choose one of the reasons.", field="reason")
    text = clean_text(text, field="text", label="report")
    record, url = None, ""
    if reason == Report.Reason.RIGHTS:
        record, url = _original(reporter, target, original_record, original_url)
    if Report.objects.filter(
        reporter=reporter, kind=kind, target_id=target.obj.pk, state=Report.State.OPEN
    ).exists():
        raise _already_reported()
    try:
        with transaction.atomic():  # the constraint decides between two at once
            report = Report.objects.create(
                reporter=reporter,
                kind=kind,
                target_id=target.obj.pk,
                target_owner_id=target.owner_id,
                target_label=target.label[:200],
                reason=reason,
                text=text,
                original_record=record,
                original_url=url,
            )
    except IntegrityError:
        raise _already_reported() from None
    # The moderators hear of it, but not one whose own thing it is, nor one reporting.
    told = moderators().exclude(pk__in=[reporter.pk, target.owner_id or 0])
    notify_many(list(told), "report_filed", about=report)
    return report


def _already_reported() -> Refused:
    return Refused(
        "You have reported this already; your report is open. Add to it from Your reports.",
        status=409,
        code="duplicate",
    )


def report_for(user: Any, report_id: int) -> Report:
    """A report its reporter or a moderator may read; Http404 for anyone else."""
    found = (
        Report.objects.select_related("reporter", "decided_by", "target_owner", "original_record")
        .filter(pk=report_id)
        .first()
    )
    if found is None or not (found.reporter_id == user.pk or is_moderator(user)):
        raise Http404
    return found


def add_message(report: Report, *, by: User, body: str) -> ReportMessage:
    """The reporter or a moderator writes on the report; the reporter is told of a
    moderator's message."""
    moderator = is_moderator(by)
    if report.reporter_id != by.pk and not moderator:
        raise Http404
    body = clean_text(body, field="body", label="message")
    message = ReportMessage.objects.create(
        report=report, author=by, body=body, from_moderator=report.reporter_id != by.pk
    )
    if message.from_moderator and report.reporter is not None:
        # Moderators act as the team: the reporter is not told which of them wrote.
        notify(report.reporter, "report_message", about=report)
    return message


def queue(*, state: str = "open", reason: str = "", kind: str = "") -> QuerySet[Report]:
    """Reports for moderators, oldest first, filtered by state, reason and kind (a value
    that is not one of ours filters nothing out: the caller shows all)."""
    rows = Report.objects.select_related("reporter", "target_owner").order_by("id")
    if state in Report.State.values:
        rows = rows.filter(state=state)
    if reason in Report.Reason.values:
        rows = rows.filter(reason=reason)
    if kind in Kind.values:
        rows = rows.filter(kind=kind)
    return rows


def owner_history(report: Report) -> dict[str, int]:
    """How often the reported thing's owner was reported, and had things removed."""
    return owner_history_of(report.target_owner_id)


def owner_history_of(owner: int | None) -> dict[str, int]:
    if owner is None:
        return {"reports": 0, "upheld": 0, "removed": 0}
    reports = Report.objects.filter(target_owner_id=owner)
    return {
        "reports": reports.count(),
        "upheld": reports.filter(state=Report.State.UPHELD).count(),
        "removed": AuditEntry.objects.filter(
            target_owner_id=owner, action=AuditEntry.Action.REMOVE
        ).count(),
    }


def decide(report: Report, *, by: User, action: str, note: str, days: int | None = None) -> Report:
    """Dismiss the report, remove what it is about, or warn, suspend (for `days`) or ban
    its owner (`sanctions`). `note` is the reason the owner and the reporter are told. A
    removal upholds every open report on the same thing."""
    if not is_moderator(by):
        raise Http404
    if action not in DECISIONS:
        raise Refused(
            "Choose what to do: dismiss, remove, hide, credit, warn, suspend or ban.",
            field="action",
        )
    note = clean_text(note, field="note", label="reason")
    if not report.is_open:  # also checked as it is closed: two moderators at once
        raise _decided()
    if report.target_owner_id == by.pk:
        raise Refused(
            "This is about your own work: another moderator decides it.", status=403, code="own"
        )
    if report.reporter_id == by.pk:
        raise Refused(
            "You filed this report: another moderator decides it.", status=403, code="own"
        )
    target = targets.load(report.kind, report.target_id)
    if action == AuditEntry.Action.REMOVE:
        if report.kind not in REMOVABLE:
            raise Refused(
                "Only records and comments can be removed so far; dismiss it, or write to "
                "the reporter.",
                code="not_removable",
            )
        if target is None or target.gone:
            raise Refused("It is gone already: dismiss the report.", status=409, code="gone")
    original = credit.check(report, target) if action == AuditEntry.Action.CREDIT else None
    hidden = hiding.check(report, target) if action == AuditEntry.Action.HIDE else None
    member = sanctions.member_to_sanction(report, action, days)
    with transaction.atomic():
        decided = _close(report, by, action, note)
        if action == AuditEntry.Action.DISMISS:
            audit(by, action, report, note, target_owner=report.target_owner_id)
            told = [decided]
        elif action == AuditEntry.Action.REMOVE:
            assert target is not None  # checked above
            told = _remove(target, by, note, report)
        elif action == AuditEntry.Action.HIDE:
            assert hidden is not None  # checked above
            hiding.apply(report, hidden, by=by, note=note)
            told = _uphold_the_others(report, by, note)
        elif action == AuditEntry.Action.CREDIT:
            assert target is not None  # checked above
            assert original is not None
            credit.apply(report, target, original, by=by, note=note)
            told = [decided]
        else:
            assert member is not None  # checked above
            sanctions.apply(member, by=by, action=action, note=note, days=days, report=report)
            told = [decided]
    for each in told:
        if each.reporter is not None:
            notify(each.reporter, "report_decided", about=each)  # by the team, unnamed
    report.refresh_from_db()
    return report


def _close(report: Report, by: User, action: str, note: str) -> Report:
    state = Report.State.DISMISSED if action == AuditEntry.Action.DISMISS else Report.State.UPHELD
    # Conditional: of two moderators deciding at once, one changes the row.
    changed = Report.objects.filter(pk=report.pk, state=Report.State.OPEN).update(
        state=state, decided_by=by, decided_at=timezone.now(), outcome=note
    )
    if not changed:
        raise _decided()
    return report


def _decided() -> Refused:
    return Refused("This report was decided already.", status=409, code="decided")


def audit(
    by: User,
    action: str,
    report: Report,
    note: str,
    *,
    target_owner: int | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    return AuditEntry.objects.create(
        actor=by,
        action=action,
        kind=report.kind,
        target_id=report.target_id,
        target_owner_id=target_owner,
        report=report,
        note=note,
        before=before or {},
        after=after or {},
    )


def _remove(target: targets.Target, by: User, note: str, report: Report) -> list[Report]:
    """Take the thing down, write the audit entry, uphold every open report on it and
    tell its owner (and, for a record, the owners of work built on it)."""
    if target.kind == Kind.RECORD:
        before = takedown.take_down(target.obj)
        after = {"title": target.obj.title, "removed": True}
        was = f"“{before['title']}”" if before["visibility"] == Record.Visibility.PUBLIC else ""
        lineage_changes.flag(
            target.obj.pk,
            f"{was or f'Record #{target.obj.pk}'} was removed by moderators; its creator "
            "keeps the credit.",
        )
    else:
        before = comments.take_down(target.obj)
        after = {"removed": True}
    audit(
        by,
        AuditEntry.Action.REMOVE,
        report,
        note,
        target_owner=target.owner_id,
        before=before,
        after=after,
    )
    upheld = _uphold_the_others(report, by, note)
    owner = User.objects.filter(pk=target.owner_id).first() if target.owner_id else None
    if owner is not None:
        notify(owner, "content_removed", about=report, actor=None)
    if target.kind == Kind.RECORD:
        builders = (
            Source.objects.filter(source=target.obj)
            .exclude(derived__owner_id=target.owner_id)
            .values_list("derived__owner_id", flat=True)
            .distinct()
        )
        notify_many(list(User.objects.filter(pk__in=builders)), "source_removed", about=target.obj)
    return upheld


def _uphold_the_others(report: Report, by: User, note: str) -> list[Report]:
    """Every other open report on the same thing is upheld with it: the reports to tell."""
    others = list(
        Report.objects.filter(
            kind=report.kind, target_id=report.target_id, state=Report.State.OPEN
        ).values_list("pk", flat=True)
    )
    Report.objects.filter(pk__in=others, state=Report.State.OPEN).update(
        state=Report.State.UPHELD, decided_by=by, decided_at=timezone.now(), outcome=note
    )
    return [report, *Report.objects.select_related("reporter").filter(pk__in=others)]


def grant(user: User) -> None:
    """Make a member a moderator (the CLI; Django's admin does the same)."""
    user.user_permissions.add(_permission())


def revoke(user: User) -> None:
    user.user_permissions.remove(_permission())


def _permission() -> Permission:
    """The permission `Report.Meta` declares. Made here if missing: Django makes it after
    migrating, but a flushed database (transactional tests) may not have it yet."""
    kind = ContentType.objects.get_for_model(Report)
    found, _ = Permission.objects.get_or_create(
        content_type=kind,
        codename="moderate",
        defaults={"name": "Can moderate: the report queue and its actions"},
    )
    return found


def holds_role(user: User) -> bool:
    """Whether the member holds the moderator role, whether or not their account is
    active now (`is_moderator` asks whether they may act)."""
    perm = _permission()
    return User.objects.filter(
        Q(pk=user.pk)
        & (Q(user_permissions=perm) | Q(groups__permissions=perm) | Q(is_superuser=True))
    ).exists()


def moderators() -> QuerySet[User]:
    """Members holding the permission directly or through a group, and superusers."""
    perm = _permission()
    return (
        User.objects.filter(
            Q(user_permissions=perm) | Q(groups__permissions=perm) | Q(is_superuser=True)
        )
        .filter(is_active=True)
        .distinct()
        .order_by("username")
    )


def removal_of(kind: str, target_id: int) -> AuditEntry | None:
    """The moderators' removal of a thing, if that is why it is gone (its tombstone says so)."""
    return (
        AuditEntry.objects.filter(kind=kind, target_id=target_id, action=AuditEntry.Action.REMOVE)
        .order_by("-id")
        .first()
    )
