"""Proposals: compute, revise, compare, publish, comment, finalize; lines explained."""

from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Schema, Status

from ensemble.accounts.http import member
from ensemble.accounts.models import User
from ensemble.community.models import Comment
from ensemble.community.services import comments
from ensemble.core import ratelimit
from ensemble.core.api import ERRORS_OR_GONE as ERRORS
from ensemble.core.ids import MAX_ID, Id, Int64
from ensemble.core.json_in import JsonIn
from ensemble.payments.api.base import (
    MoneyOut,
    money,
    pool_for,
    proposal_for,
    router,
)
from ensemble.payments.models import Line, Proposal
from ensemble.payments.services import explain, proposals


class ProposalOut(Schema):
    id: int
    pool_id: int
    status: str
    amount: dict[str, Any]
    revision: int
    adjustments: dict[str, Any]
    published_at: datetime | None
    window_closes_at: datetime | None
    finalized_at: datetime | None
    early_reason: str
    lineage_changed_at: datetime | None  # moderators changed the lineage since
    lineage_change: str
    records: int  # in the frozen lineage
    revisions: list[dict[str, Any]]


class RevisionIn(JsonIn):
    """Only what changes: lists (`manual`, `waivers`, `exclusions`) are replaced whole and
    name people by username; `weights` maps "derived-source" edges to whole numbers."""

    pass_through_bp: Int64 | None = None
    editor_share_bp: Int64 | None = None
    weights: dict[str, Int64] | None = None
    # Weigh the production's direct sources by their seconds in the cut that made it
    # (a production rendered from a timeline; 422 `no_timeline` otherwise).
    weigh_by_seconds: bool | None = None
    manual: list[dict[str, Any]] | None = None
    waivers: list[dict[str, Any]] | None = None
    exclusions: list[dict[str, Any]] | None = None
    reason: str = ""


class FinalizeIn(JsonIn):
    reason: str = ""  # required when an admin finalizes before the window closes


class ProposalCommentIn(JsonIn):
    body: str
    reply_to: Id | None = None


class CommentEdit(JsonIn):
    body: str


class StepOut(Schema):
    from_record_id: int  # the record that passed the money on
    from_title: str
    to_record_id: int
    weight: str  # the edge's weight
    share: str  # of the pool, exact ("n/d")


class ThroughOut(Schema):
    record_id: int | None  # none for a line added by hand
    title: str
    share: str  # of the pool, exact ("n/d"): this person's part of what the record kept
    kept: str  # of the pool, exact: what the record kept for its creators
    received: str  # of the pool, exact: what the record received in all
    amount: MoneyOut  # this part of the line, in whole minor units (see `LineOut.parts`)
    path: list[StepOut]  # the largest stream into the record, back up to the production


class PartOut(Schema):
    kind: str  # record | manual | redistributed (others' waivers) | waived (given away)
    record_id: int | None
    exact: str  # minor units, exact ("n/d")
    amount: MoneyOut  # whole minor units, within one of `exact`


class LineOut(Schema):
    """A line and why: `sum(parts[].amount) + rounding == amount`, to the minor unit."""

    user: str
    name: str
    amount: MoneyOut
    exact: str  # share of the pool, exact ("n/d")
    note: str  # waived, excluded, added by hand: why
    parts: list[PartOut]
    rounding: MoneyOut  # what the split's one rounding added (0 or 1 minor unit)
    through: list[ThroughOut]


def _usernames(ids: set[int]) -> dict[int, str]:
    return dict(User.objects.filter(pk__in=ids).values_list("pk", "username"))


def proposal_out(proposal: Proposal) -> dict[str, Any]:
    revision = proposals.current(proposal)
    adjustments = dict(revision.adjustments)
    people = {i["user"] for key in ("manual", "waivers", "exclusions") for i in adjustments[key]}
    names = _usernames(people)
    for key in ("manual", "waivers", "exclusions"):  # usernames, as they were given
        adjustments[key] = [{**i, "user": names.get(i["user"])} for i in adjustments[key]]
    return {
        "id": proposal.pk,
        "pool_id": proposal.pool_id,
        "status": proposal.status,
        "amount": money(proposal.amount, proposal.pool.currency),
        "revision": revision.number,
        "adjustments": adjustments,
        "published_at": proposal.published_at,
        "window_closes_at": proposal.window_closes_at,
        "finalized_at": proposal.finalized_at,
        "early_reason": proposal.early_reason,
        "lineage_changed_at": proposal.lineage_changed_at,
        "lineage_change": proposal.lineage_change,
        "records": proposal.record_count,
        "revisions": [
            {
                "number": r.number,
                "reason": r.reason,
                "made_at": r.made_at,
                "made_by": r.made_by.username if r.made_by else None,
            }
            for r in proposal.revisions.select_related("made_by").defer("lineage_json")
        ],
    }


@router.post("/pools/{pool_id}/proposals", response={201: ProposalOut, **ERRORS})
def make_proposal(request: HttpRequest, pool_id: Id) -> Status:
    """Split what the pool holds now along the production's lineage, frozen as it is."""
    proposal = proposals.make_proposal(pool_for(request, pool_id), by=member(request))
    return Status(201, proposal_out(proposal))


@router.get("/proposals/{proposal_id}", response={200: ProposalOut, **ERRORS}, auth=None)
def get_proposal(request: HttpRequest, proposal_id: Id) -> dict[str, Any]:
    return proposal_out(proposal_for(request, proposal_id))


@router.patch("/proposals/{proposal_id}", response={200: ProposalOut, **ERRORS})
def revise(request: HttpRequest, proposal_id: Id, body: RevisionIn) -> dict[str, Any]:
    """A new revision with the adjustments given (each with a reason); earlier ones stay."""
    proposal = proposal_for(request, proposal_id)
    changes = body.dict(exclude_none=True, exclude={"reason"})
    proposals.revise(proposal, by=member(request), changes=changes, reason=body.reason)
    return proposal_out(proposal)


@router.post("/proposals/{proposal_id}/publish", response={200: ProposalOut, **ERRORS})
def publish(request: HttpRequest, proposal_id: Id) -> dict[str, Any]:
    """Open the comment window (`PAYMENT_COMMENT_SECONDS`); everyone in it is told."""
    proposal = proposals.publish(proposal_for(request, proposal_id), by=member(request))
    return proposal_out(proposal)


@router.post("/proposals/{proposal_id}/finalize", response={200: ProposalOut, **ERRORS})
def finalize(request: HttpRequest, proposal_id: Id, body: FinalizeIn) -> dict[str, Any]:
    """Write the ledger, once, after the window closes (an admin earlier, with a reason)."""
    proposal = proposal_for(request, proposal_id)
    proposals.finalize(proposal, by=member(request), reason=body.reason)
    return proposal_out(proposal)


@router.get("/proposals/{proposal_id}/lines", response={200: list[LineOut], **ERRORS}, auth=None)
def lines(
    request: HttpRequest,
    proposal_id: Id,
    revision: Int64 | None = None,
    offset: int = Query(0, ge=0, le=MAX_ID),
    limit: int = Query(100, ge=1, le=500),
) -> list[dict[str, Any]]:
    """The lines of the current revision (or `revision`), largest first, `limit` from
    `offset` (a revision never changes, so offsets are stable); each with the parts it
    adds up from (records, others' waivers, rounding) and, per record, the path the
    money took from the production."""
    proposal = proposal_for(request, proposal_id)
    chosen = (
        proposal.revisions.filter(number=revision).first()
        if revision
        else proposals.current(proposal)
    )
    if chosen is None:
        raise Http404
    ordered = Line.objects.filter(revision=chosen).order_by("-amount", "user_id")
    rows = list(ordered.select_related("user")[offset : offset + limit])
    result = explain.result_for(chosen)
    root = proposal.pool.production.record_id
    total, currency = proposal.amount, proposal.pool.currency
    made = {line.pk: explain.breakdown(line.user_id, result, total, root) for line in rows}
    titles = explain.titles([p.through for b in made.values() for p in b.parts if p.through])
    return [
        {
            "user": line.user.username,
            "name": line.user.name,
            "amount": money(line.amount, currency),
            "exact": line.exact,
            "note": line.note,
            "parts": [
                {
                    "kind": p.kind,
                    "record_id": (p.through.record or None) if p.through else None,
                    "exact": proposals.as_text(p.exact),
                    "amount": money(p.minor, currency),
                }
                for p in made[line.pk].parts
            ],
            "rounding": money(made[line.pk].rounding, currency),
            "through": [
                {
                    "record_id": t.record or None,
                    "title": titles.get(t.record, "(added by hand)"),
                    "share": proposals.as_text(t.share),
                    "kept": proposals.as_text(t.kept),
                    "received": proposals.as_text(t.received),
                    "amount": money(p.minor, currency),
                    "path": [
                        {
                            "from_record_id": s.derived,
                            "from_title": titles.get(s.derived, ""),
                            "to_record_id": s.source,
                            "weight": str(s.weight),
                            "share": proposals.as_text(s.share),
                        }
                        for s in t.path
                    ],
                }
                for p in made[line.pk].parts
                if (t := p.through) is not None
            ],
        }
        for line in rows
    ]


@router.get(
    "/proposals/{proposal_id}/compare", response={200: list[dict[str, Any]], **ERRORS}, auth=None
)
def compare(request: HttpRequest, proposal_id: Id, a: Int64, b: Int64) -> list[dict[str, Any]]:
    """Person by person, what changed from revision `a` to revision `b`."""
    proposal = proposal_for(request, proposal_id)
    older = get_object_or_404(proposal.revisions, number=a)
    newer = get_object_or_404(proposal.revisions, number=b)
    return proposals.compare(older, newer)


@router.get(
    "/proposals/{proposal_id}/comments", response={200: list[dict[str, Any]], **ERRORS}, auth=None
)
def list_comments(request: HttpRequest, proposal_id: Id) -> list[dict[str, Any]]:
    proposal = proposal_for(request, proposal_id)
    return [comment_out(c) for c in Comment.objects.on(proposal).select_related("author")]


@router.post("/proposals/{proposal_id}/comments", response={201: dict[str, Any], **ERRORS})
def add_comment(request: HttpRequest, proposal_id: Id, body: ProposalCommentIn) -> Status:
    """Anyone's word while the window is open; leaders answer with `reply_to`."""
    ratelimit.limit_write(request, "comment")
    proposal = proposal_for(request, proposal_id)
    reply_to = (
        Comment.objects.filter(pk=body.reply_to).first() if body.reply_to is not None else None
    )
    if body.reply_to is not None and reply_to is None:
        raise Http404
    made = comments.add(member(request), proposal, body.body, reply_to=reply_to)
    return Status(201, comment_out(made))


def comment_out(c: Comment) -> dict[str, Any]:
    """A deleted comment keeps its place (replies point to it) without its words."""
    deleted = c.deleted_at is not None
    return {
        "id": c.pk,
        "author": c.author.username,
        "body": "" if deleted else c.body,
        "body_html": "" if deleted else c.body_html,
        "reply_to": c.reply_to_id,
        "created_at": c.created_at,
        "edited_at": c.edited_at,
        "deleted": deleted,
    }


def _comment(request: HttpRequest, proposal_id: int, comment_id: int) -> Comment:
    proposal = proposal_for(request, proposal_id)
    found = get_object_or_404(Comment.objects.on(proposal).select_related("author"), pk=comment_id)
    found.subject = proposal  # the one just fetched for this viewer: no second query
    return found


@router.patch(
    "/proposals/{proposal_id}/comments/{comment_id}", response={200: dict[str, Any], **ERRORS}
)
def edit_comment(
    request: HttpRequest, proposal_id: Id, comment_id: Id, body: CommentEdit
) -> dict[str, Any]:
    """Reword your comment while the window is open."""
    edited = comments.edit(
        _comment(request, proposal_id, comment_id), by=member(request), body=body.body
    )
    return comment_out(edited)


@router.delete("/proposals/{proposal_id}/comments/{comment_id}", response={204: None, **ERRORS})
def delete_comment(request: HttpRequest, proposal_id: Id, comment_id: Id) -> Status:
    """Take your comment back while the window is open (its place in the thread stays)."""
    comments.delete(_comment(request, proposal_id, comment_id), by=member(request))
    return Status(204, None)
