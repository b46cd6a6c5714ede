"""Open proposals flagged when moderators change the lineage they were computed from:
a work in it removed, or a missing credit added (the moderation app calls `flag`).

The split stays as it was computed: every revision of a proposal is computed from the
one lineage frozen when it was made (`snapshot`), and a final one is never changed. The
flag says what changed, on the proposal for everyone, and its leaders are told, so they
can take it into account (a weight, a manual line) before it is final."""

from __future__ import annotations

from django.utils import timezone

from ensemble.accounts.models import User
from ensemble.lineage import graph
from ensemble.notifications.services import notify_many
from ensemble.payments.models import Proposal
from ensemble.projects.models import Leader


def flag(record_id: int, change: str) -> list[Proposal]:
    """Flag each proposal not yet final whose production is `record_id` or built on it;
    the proposals flagged. Few are open at a time: one walk up each production."""
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
    if not hit:
        return []
    Proposal.objects.filter(pk__in=[p.pk for p in hit]).update(
        lineage_changed_at=timezone.now(), lineage_change=change[:500]
    )
    for proposal in hit:
        project_id = proposal.pool.production.project_id
        leaders = User.objects.filter(
            pk__in=[
                proposal.pool.production.project.owner_id,
                *Leader.objects.filter(project_id=project_id).values_list("user_id", flat=True),
            ]
        )
        notify_many(list(leaders), "proposal_lineage_changed", about=proposal)
    return hit
