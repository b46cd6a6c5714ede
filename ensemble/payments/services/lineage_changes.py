"""Open proposals when moderators change the lineage they were computed from (the
moderation app calls `flag`): a work in it removed, or a missing credit added or taken
back on appeal.

The proposal says what changed, for everyone, and its leaders are told. A removal
changes no split (a removed work keeps its place and its creator the credit). A credit
added or taken back does: a proposal not yet final follows it with a new revision
(`follow`), computed from its own frozen lineage with that one citation added or taken
out, so the original's author is in the split before anyone is paid, and nothing else
that changed in the lineage since slips in unannounced. A final proposal is never
changed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ensemble.accounts.models import User
from ensemble.core.refusals import Refused
from ensemble.lineage import graph
from ensemble.notifications.services import notify_many
from ensemble.payments.models import Proposal, Revision
from ensemble.payments.services import proposals, snapshot
from ensemble.projects.models import Leader


@dataclass(frozen=True)
class Citation:
    """The citation moderators added (`added`) or took back: `derived` uses `source`."""

    derived: int
    source: int
    added: bool = True


def flag(record_id: int, change: str, *, citation: Citation | None = None) -> list[Proposal]:
    """Flag each proposal not yet final whose production is `record_id` or built on it
    (and, with a `citation`, let its split follow); the proposals flagged. Few are open
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
    flagged = []
    for proposal in hit:
        said = change
        if citation is not None:
            try:
                revision = follow(proposal, change, citation)
            except Refused as error:  # the split cannot be made (invalid_split): say so
                said = f"{change} The split could not follow it ({error.message}): revise it."
            else:
                if revision is not None:
                    said = f"{change} The split follows it from revision {revision.number}."
        changed = Proposal.objects.filter(pk=proposal.pk).exclude(status=Proposal.Status.FINAL)
        if not changed.update(lineage_changed_at=timezone.now(), lineage_change=said[:500]):
            continue  # finalized meanwhile: a final proposal is never changed
        project = proposal.pool.production.project
        leaders = User.objects.filter(
            pk__in=[
                project.owner_id,
                *Leader.objects.filter(project_id=project.pk).values_list("user_id", flat=True),
            ]
        )
        proposal.lineage_change = said[:500]
        notify_many(list(leaders), "proposal_lineage_changed", about=proposal)
        flagged.append(proposal)
    return flagged


def follow(proposal: Proposal, change: str, citation: Citation) -> Revision | None:
    """A new revision from the current one's lineage with `citation` added or taken out,
    made by nobody (the moderators act as a team), its reason the change; None when the
    proposal is final by now or its lineage does not hold what changed. The adjustments
    carry over but the weights of edges gone (and, in `proposals.compute`, waivers of
    people no longer in the split). Published, the comment window opens again for the
    full period, and the people whose share it changes (or brings in) are told."""
    with transaction.atomic(), proposals.gc_paused():
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if locked.status == Proposal.Status.FINAL:
            return None
        previous = proposals.current(locked)
        frozen = snapshot.of(previous)
        patch = snapshot.with_citation if citation.added else snapshot.without_citation
        changed = patch(frozen, citation.derived, citation.source)
        if changed is None:
            return None
        edges = {f"{d}-{s}" for d, s, _ in changed["edges"]}
        adjustments = dict(previous.adjustments)
        adjustments["weights"] = {k: w for k, w in adjustments["weights"].items() if k in edges}
        revision = proposals.compute(
            locked,
            adjustments,
            by=None,
            reason=f"The lineage changed: {change}"[:500],
            followed=(changed, json.dumps(changed, separators=(",", ":"))),
            previous=previous,
        )
        locked.record_count = len(changed["records"])
        fields = ["record_count"]
        if locked.status == Proposal.Status.PUBLISHED:
            locked.window_closes_at = timezone.now() + timedelta(
                seconds=settings.PAYMENT_COMMENT_SECONDS
            )
            fields.append("window_closes_at")
            # Whoever the change brings in, or whose share it changes, has a say again.
            before = dict(previous.lines.values_list("user_id", "amount"))
            after = dict(revision.lines.values_list("user_id", "amount"))
            moved = [p for p, amount in after.items() if before.get(p) != amount]
            moved += [p for p in before if p not in after]
            notify_many(
                list(User.objects.filter(pk__in=moved)), "payment_proposal_published", about=locked
            )
        locked.save(update_fields=fields)
    return revision
