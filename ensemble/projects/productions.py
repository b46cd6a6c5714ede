"""Making a production from a project's selected work, and releasing it with its credits.

Steps of `release`:
1. Compute the production's credit roll from its lineage, as the public sees it.
2. Find the project's entrants whose entries are not in that lineage: the thanks list.
3. Count "N contributions by M people": the entries plus the records of the lineage, and
   everyone credited or thanked.
4. Freeze all of it in a numbered release, mark the project released, and tell everyone
   credited and thanked.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max

from ensemble.accounts.models import User
from ensemble.core.refusals import Refused
from ensemble.lineage import credit_pages, credits, graph
from ensemble.lineage import services as lineage
from ensemble.notifications.services import notify_many
from ensemble.projects.models import Entry, Production, Project, Release, ReleaseCredit
from ensemble.projects.services import require_leader
from ensemble.records.models import Record


def make_production(project: Project, *, by: User, record: Record) -> tuple[Production, list[str]]:
    """Make `record` (a leader's own) a production of the project, citing every selected
    entry as a source. Returns the production and the citations that were refused, each
    with its reason (a licence conflict, say), so the leader can settle them."""
    require_leader(by, project, what="make productions")
    if record.owner_id != by.pk:
        raise Refused("Make one of your own records the production.", status=403)
    if record.is_deleted:
        raise Refused("That record was deleted.", status=410, code="gone")
    with transaction.atomic():
        production, created = Production.objects.get_or_create(
            project=project, record=record, defaults={"created_by": by}
        )
        if not created:
            raise Refused("This record is already a production of the project.", status=409)
    problems: list[str] = []
    selected = Entry.objects.filter(
        call__project=project, state=Entry.State.SELECTED
    ).select_related("record__owner", "call")
    cited = set(record.source_edges.values_list("source_id", flat=True))
    for entry in selected:
        if entry.record_id in cited or entry.record_id == record.pk:
            continue
        try:
            lineage.add_source(
                record, entry.record, by=by, note=f"Selected in the call “{entry.call.title}”"
            )
        except Refused as error:
            problems.append(f"“{entry.record.title}”: {error.message}")
    return production, problems


def release(production: Production, *, by: User) -> Release:
    project = production.project
    require_leader(by, project, what="release productions")
    record = production.record
    if not record.is_public:
        raise Refused("Publish the production's record before releasing it.", code="not_public")
    roll = credits.credit_roll(record.pk, None)
    lineage_ids = {record.pk, *graph.reachable(record.pk, "ancestors")}
    entries = list(
        Entry.objects.filter(call__project=project)
        .exclude(state=Entry.State.WITHDRAWN)
        .select_related("entrant", "record")
    )
    credited = {p.user_id for s in roll.sections for _, _, ps in s.groups for p in ps}
    thanks: dict[int, dict[str, Any]] = {}
    for entry in entries:
        if entry.record_id in lineage_ids or entry.entrant_id in credited:
            continue
        person = thanks.setdefault(
            entry.entrant_id,
            {
                "user_id": entry.entrant_id,
                "username": entry.entrant.username,
                "name": entry.entrant.name,
                "records": [],
            },
        )
        person["records"].append({"id": entry.record_id, "title": entry.record.title})
    contributions = len(lineage_ids | {e.record_id for e in entries})
    people = len(credited | set(thanks))
    with transaction.atomic():
        number = (production.releases.aggregate(n=Max("number"))["n"] or 0) + 1
        made = Release.objects.create(
            production=production,
            number=number,
            released_by=by,
            credits=credit_pages.sections_data(roll, user_ids=True),
            thanks=sorted(thanks.values(), key=lambda p: p["name"].lower()),
            contribution_count=contributions,
            people_count=people,
        )
        ReleaseCredit.objects.bulk_create(
            [ReleaseCredit(release=made, user_id=u) for u in sorted(credited)]
            + [ReleaseCredit(release=made, user_id=u, thanked=True) for u in sorted(thanks)]
        )
        Project.objects.filter(pk=project.pk).update(status=Project.Status.RELEASED)
        people_in_it = list(User.objects.filter(pk__in=credited | set(thanks)))
        notify_many(people_in_it, "production_released", actor=by, about=made)
    return made
