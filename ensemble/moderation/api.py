"""Reports and moderation in the API: file a report, follow yours and write on them;
for moderators, the queue, decisions and the log. The same services as the pages."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema, Status

from ensemble.accounts.http import member
from ensemble.core import ratelimit
from ensemble.core.api import ERRORS, choices_schema
from ensemble.core.ids import Id, Int64
from ensemble.core.json_in import JsonIn, Lax
from ensemble.core.pagination import paginate
from ensemble.moderation import appeals, services
from ensemble.moderation.models import Appeal, AuditEntry, Kind, Report, ReportMessage

router = Router(tags=["moderation"])

ReportKind = Annotated[Kind, Lax, choices_schema(Kind, "ReportKind")]
ReportReason = Annotated[Report.Reason, Lax, choices_schema(Report.Reason, "ReportReason")]


class ReportIn(JsonIn):
    kind: ReportKind
    target_id: Id
    reason: ReportReason
    text: str
    original_record: Id | None = None  # for `rights`: the original, on this site
    original_url: str = ""  # or where it was first published


class MessageIn(JsonIn):
    body: str


class ReportDecisionIn(JsonIn):
    action: Literal["dismiss", "remove", "hide", "credit", "warn", "suspend", "ban"]
    note: str
    days: Int64 | None = None  # for `suspend`: 1 to 365


class MessageOut(Schema):
    id: int
    from_moderator: bool
    author: str | None  # a moderator's name is for moderators only
    body: str
    created_at: datetime


class ReportOut(Schema):
    id: int
    kind: str
    target_id: int
    target_label: str
    reason: str
    text: str
    original_record: int | None
    original_url: str
    state: str
    outcome: str
    created_at: datetime
    decided_at: datetime | None
    reporter: str | None  # moderators only
    target_owner: str | None  # moderators only


class ReportPage(Schema):
    items: list[ReportOut]
    next_cursor: str | None


class AuditOut(Schema):
    id: int
    actor: str | None
    action: str
    kind: str
    target_id: int
    target_owner: str | None
    report: int | None
    note: str
    before: dict[str, Any]
    after: dict[str, Any]
    created_at: datetime


class AuditPage(Schema):
    items: list[AuditOut]
    next_cursor: str | None


def name_of(user: Any) -> str | None:
    return user.username if user is not None else None


def report_out(r: Report, *, moderating: bool, viewer: Any = None) -> dict[str, Any]:
    """A report as its reader may see it: who reported, and whose thing it is, only for
    moderators, and never for a moderator reading a report about their own work."""
    moderating = moderating and getattr(viewer, "pk", None) != r.target_owner_id
    return {
        "id": r.pk,
        "kind": r.kind,
        "target_id": r.target_id,
        "target_label": r.target_label,
        "reason": r.reason,
        "text": r.text,
        "original_record": r.original_record_id,
        "original_url": r.original_url,
        "state": r.state,
        "outcome": r.outcome,
        "created_at": r.created_at,
        "decided_at": r.decided_at,
        "reporter": name_of(r.reporter) if moderating else None,
        "target_owner": name_of(r.target_owner) if moderating else None,
    }


def message_out(m: ReportMessage, *, moderating: bool) -> dict[str, Any]:
    shown = moderating or not m.from_moderator
    return {
        "id": m.pk,
        "from_moderator": m.from_moderator,
        "author": name_of(m.author) if shown else None,
        "body": m.body,
        "created_at": m.created_at,
    }


def _moderator(request: HttpRequest) -> Any:
    user = member(request)
    if not services.is_moderator(user):
        raise Http404
    return user


@router.post("/reports", response={201: ReportOut, **ERRORS})
def file_report(request: HttpRequest, body: ReportIn) -> Status:
    """Report a record, comment, member, project or call you can see. A `rights` report
    names the original (`original_record` or `original_url`). One open report per
    member and thing (409); never your own things (422)."""
    ratelimit.limit_write(request, "report")
    made = services.file_report(
        member(request),
        body.kind,
        body.target_id,
        reason=body.reason,
        text=body.text,
        original_record=body.original_record,
        original_url=body.original_url,
    )
    return Status(201, report_out(made, moderating=False))


@router.get("/reports", response={200: ReportPage, **ERRORS})
def my_reports(
    request: HttpRequest, cursor: str | None = None, limit: int = Query(20, ge=1, le=100)
) -> dict[str, Any]:
    """Your reports, newest first, with their state and outcome."""
    page = paginate(Report.objects.filter(reporter=member(request)), cursor=cursor, limit=limit)
    return {
        "items": [report_out(r, moderating=False) for r in page.items],
        "next_cursor": page.next_cursor,
    }


@router.get("/reports/{report_id}", response={200: ReportOut, **ERRORS})
def report_detail(request: HttpRequest, report_id: Id) -> dict[str, Any]:
    """A report of yours, or any report for a moderator."""
    user = member(request)
    found = services.report_for(user, report_id)
    return report_out(found, moderating=services.is_moderator(user), viewer=user)


@router.get("/reports/{report_id}/messages", response={200: list[MessageOut], **ERRORS})
def report_messages(request: HttpRequest, report_id: Id) -> list[dict[str, Any]]:
    user = member(request)
    found = services.report_for(user, report_id)
    moderating = services.is_moderator(user)
    rows = found.messages.select_related("author")
    return [message_out(m, moderating=moderating) for m in rows]


@router.post("/reports/{report_id}/messages", response={201: MessageOut, **ERRORS})
def write_message(request: HttpRequest, report_id: Id, body: MessageIn) -> Status:
    """Write on a report: its reporter, or a moderator (the reporter is told)."""
    ratelimit.limit_write(request, "report_message")
    user = member(request)
    made = services.add_message(services.report_for(user, report_id), by=user, body=body.body)
    return Status(201, message_out(made, moderating=services.is_moderator(user)))


@router.get("/moderation/reports", response={200: ReportPage, **ERRORS})
def moderation_queue(
    request: HttpRequest,
    state: str = "open",
    reason: str = "",
    kind: str = "",
    cursor: str | None = None,
    limit: int = Query(20, ge=1, le=100),
) -> dict[str, Any]:
    """Moderators: reports by state (`open` unless asked; `all`), reason and kind,
    newest first, cursor-paginated (the queue page shows them oldest first)."""
    user = _moderator(request)
    page = paginate(
        services.queue(state=state, reason=reason, kind=kind), cursor=cursor, limit=limit
    )
    return {
        "items": [report_out(r, moderating=True, viewer=user) for r in page.items],
        "next_cursor": page.next_cursor,
    }


@router.post("/moderation/reports/{report_id}/decision", response={200: ReportOut, **ERRORS})
def decide(request: HttpRequest, report_id: Id, body: ReportDecisionIn) -> dict[str, Any]:
    """Moderators: `dismiss` the report, or `remove` what it is about (records and
    comments so far). `note` is the reason the owner and the reporter are told."""
    user = _moderator(request)
    found = services.report_for(user, report_id)
    decided = services.decide(found, by=user, action=body.action, note=body.note, days=body.days)
    return report_out(decided, moderating=True, viewer=user)


@router.get("/moderation/log", response={200: AuditPage, **ERRORS})
def moderation_log(
    request: HttpRequest, cursor: str | None = None, limit: int = Query(20, ge=1, le=100)
) -> dict[str, Any]:
    """Moderators: every moderation action, newest first (append-only)."""
    _moderator(request)
    rows = AuditEntry.objects.select_related("actor", "target_owner")
    page = paginate(rows, cursor=cursor, limit=limit)
    return {
        "items": [
            {
                "id": a.pk,
                "actor": name_of(a.actor),
                "action": a.action,
                "kind": a.kind,
                "target_id": a.target_id,
                "target_owner": name_of(a.target_owner),
                "report": a.report_id,
                "note": a.note,
                "before": a.before,
                "after": a.after,
                "created_at": a.created_at,
            }
            for a in page.items
        ],
        "next_cursor": page.next_cursor,
    }


class AppealIn(JsonIn):
    text: str


class AppealDecisionIn(JsonIn):
    grant: bool  # true: give it back; false: it stays removed
    note: str


class AppealOut(Schema):
    id: int
    action: int  # the audit entry appealed against
    text: str
    state: str
    outcome: str
    created_at: datetime
    decided_at: datetime | None
    appellant: str | None  # moderators only


class ActionOut(Schema):
    id: int
    action: str
    kind: str
    target_id: int
    note: str
    title: str | None  # a removed record's title, as it was
    created_at: datetime
    appeal: AppealOut | None


def appeal_out(a: Appeal, *, moderating: bool) -> dict[str, Any]:
    return {
        "id": a.pk,
        "action": a.action_id,
        "text": a.text,
        "state": a.state,
        "outcome": a.outcome,
        "created_at": a.created_at,
        "decided_at": a.decided_at,
        "appellant": name_of(a.appellant) if moderating else None,
    }


@router.get("/moderation/actions", response={200: list[ActionOut], **ERRORS})
def actions_on_mine(request: HttpRequest) -> list[dict[str, Any]]:
    """What moderators did to your things (never who reported them), newest first, the
    100 newest, each with your appeal if you made one."""
    rows = (
        AuditEntry.objects.concerning(member(request))
        .exclude(action=AuditEntry.Action.DISMISS)
        .select_related("appeal")[:100]
    )
    return [
        {
            "id": a.pk,
            "action": a.action,
            "kind": a.kind,
            "target_id": a.target_id,
            "note": a.note,
            "title": a.before.get("title"),
            "created_at": a.created_at,
            "appeal": appeal_out(a.appeal, moderating=False) if _has_appeal(a) else None,
        }
        for a in rows
    ]


def _has_appeal(entry: AuditEntry) -> bool:
    try:
        entry.appeal  # noqa: B018 - a reverse one-to-one raises when there is none
    except Appeal.DoesNotExist:
        return False
    return True


@router.post("/moderation/actions/{entry_id}/appeal", response={201: AppealOut, **ERRORS})
def file_appeal(request: HttpRequest, entry_id: Id, body: AppealIn) -> Status:
    """Appeal a removal of your thing, once (409 `duplicate`); another moderator decides."""
    ratelimit.limit_write(request, "report_message")
    user = member(request)
    made = appeals.appeal(appeals.action_for(user, entry_id), by=user, text=body.text)
    return Status(201, appeal_out(made, moderating=False))


@router.get("/moderation/appeals", response={200: list[AppealOut], **ERRORS})
def open_appeals(request: HttpRequest) -> list[dict[str, Any]]:
    """Moderators: the appeals waiting, oldest first (the 100 oldest)."""
    _moderator(request)
    return [appeal_out(a, moderating=True) for a in appeals.open_appeals()[:100]]


@router.get("/moderation/appeals/{appeal_id}", response={200: AppealOut, **ERRORS})
def appeal_detail(request: HttpRequest, appeal_id: Id) -> dict[str, Any]:
    """Your appeal, or any appeal for a moderator."""
    user = member(request)
    found = appeals.appeal_for(user, appeal_id)
    return appeal_out(found, moderating=services.is_moderator(user))


@router.post("/moderation/appeals/{appeal_id}/decision", response={200: AppealOut, **ERRORS})
def decide_appeal(request: HttpRequest, appeal_id: Id, body: AppealDecisionIn) -> dict[str, Any]:
    """Moderators other than the one who acted: `grant` gives the thing back as it was,
    or not; `note` is the reason the owner is told (403 `own`, 409 `decided`)."""
    user = _moderator(request)
    found = appeals.appeal_for(user, appeal_id)
    decided = appeals.decide(found, by=user, grant=body.grant, note=body.note)
    return appeal_out(decided, moderating=True)
