"""Open proposals when moderators change the lineage they were computed from (the
moderation app calls `flag`): a work in it removed, or a missing credit added or taken
back on appeal.

The proposal says what changed, for everyone, and its leaders are told. A removal
changes no split (a removed work keeps its place and its creator the credit). A credit
added or taken back does: a proposal not yet final follows it with a new revision
computed from the lineage as it is now (`follow`), so the original's author is in the
split before anyone is paid. A final proposal is never changed."""

from __future__ import annotations

import json
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ensemble.accounts.models import User
from ensemble.lineage import graph
from ensemble.notifications.services import notify_many
from ensemble.payments.models import Proposal, Revision
from ensemble.payments.services import proposals, snapshot
from ensemble.projects.models import Leader


def flag(record_id: int, change: str, *, split_follows: bool = False) -> list[Proposal]:
    """Flag each proposal not yet final whose production is `record_id` or built on it
    (and, with `split_follows`, compute it again); the proposals flagged. Few are open
    at a time: one walk up each production."""
    open_ones = (
        Proposal.objects.exclude(status=Proposal.Status.FINAL)
        .defer("snapshot_json")
        .select_related("pool__production__project")
    )
    hit = [
        p
        for p in open_ones
        if p.pool.production.record_id == record_id
        or graph.is_ancestor(record_id, p.pool.production.record_id)
    ]
    for proposal in hit:
        said = change
        if split_follows:
            revision = follow(proposal, change)
            said = f"{change} The split follows it from revision {revision.number}."
        Proposal.objects.filter(pk=proposal.pk).update(
            lineage_changed_at=timezone.now(), lineage_change=said[:500]
        )
        project = proposal.pool.production.project
        leaders = User.objects.filter(
            pk__in=[
                project.owner_id,
                *Leader.objects.filter(project_id=project.pk).values_list("user_id", flat=True),
            ]
        )
        proposal.lineage_change = said[:500]
        notify_many(list(leaders), "proposal_lineage_changed", about=proposal)
    return hit


def follow(proposal: Proposal, change: str) -> Revision:
    """A new revision computed from the production's lineage as it is now, made by
    nobody (the moderators act as a team), its reason the change. The adjustments carry
    over but the weights of edges gone (and, in `proposals.compute`, waivers of people
    no longer in the split). Published, the comment window opens again for the full
    period, and the people the change brings into the split are told."""
    with transaction.atomic(), proposals.gc_paused():
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        previous = proposals.current(locked)
        frozen = snapshot.take(proposal.pool.production.record_id)
        edges = {f"{d}-{s}" for d, s, _ in frozen["edges"]}
        adjustments = dict(previous.adjustments)
        adjustments["weights"] = {k: w for k, w in adjustments["weights"].items() if k in edges}
        revision = proposals.compute(
            locked,
            adjustments,
            by=None,
            reason=f"The lineage changed: {change}"[:500],
            followed=(frozen, json.dumps(frozen, separators=(",", ":"))),
        )
        locked.record_count = len(frozen["records"])
        fields = ["record_count"]
        if locked.status == Proposal.Status.PUBLISHED:
            locked.window_closes_at = timezone.now() + timedelta(
                seconds=settings.PAYMENT_COMMENT_SECONDS
            )
            fields.append("window_closes_at")
            before = previous.lines.values("user_id")
            newcomers = User.objects.filter(pk__in=revision.lines.values("user_id")).exclude(
                pk__in=before
            )
            notify_many(list(newcomers), "payment_proposal_published", about=locked)
        locked.save(update_fields=fields)
    return revision
