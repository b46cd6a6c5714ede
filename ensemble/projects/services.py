"""Project, call and entry workflows: every rule checked, every decision logged.

Each function checks who is acting and what they ask, then writes in one transaction. A
refusal is `records.intake.Refused` (a sentence, a status, a code), as everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import slugify

from ensemble.accounts.models import User
from ensemble.core.markdown import render_markdown
from ensemble.core.refusals import Refused
from ensemble.lineage import graph
from ensemble.notifications.services import notify, notify_many
from ensemble.projects.models import (
    Call,
    CallResource,
    Decision,
    Entry,
    EntryUpload,
    Leader,
    Project,
    ProjectResource,
    Score,
    Stage,
    StatusUpdate,
)
from ensemble.projects.models.call import new_event_code
from ensemble.records.models import Record
from ensemble.records.services import checked_text, clean_description, clean_title

# ---------------------------------------------------------------- who may do what


def is_leader(user: Any, project: Project | None) -> bool:
    if project is None or user is None or not getattr(user, "is_authenticated", False):
        return False
    if project.owner_id == user.pk:
        return True
    return Leader.objects.filter(project=project, user=user).exists()


def can_view_project(user: Any, project: Project) -> bool:
    return project.is_visible_to_everyone or is_leader(user, project)


def require_leader(user: Any, project: Project | None, *, what: str = "do that") -> None:
    if project is None:
        raise Refused("This call belongs to no project.", status=403, code="forbidden")
    if not is_leader(user, project):
        if can_view_project(user, project):
            raise Refused(f"Only the project's leaders can {what}.", status=403, code="forbidden")
        raise Refused("There is no such project.", status=404, code="not_found")


# ---------------------------------------------------------------- projects


def _unique_slug(title: str) -> str:
    base = slugify(title)[:60] or "project"
    slug, n = base, 2
    while Project.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def create_project(
    owner: User, *, title: str, description: str = "", stages: Iterable[str] = ()
) -> Project:
    title = clean_title(title)
    description = clean_description(description)
    names = [checked_text(n.strip(), field="stages", label="stage name") for n in stages]
    names = [n for n in names if n]
    if len(names) > 20 or any(len(n) > 80 for n in names):
        raise Refused("A project can have up to 20 stages of 80 characters.", field="stages")
    with transaction.atomic():
        project = Project.objects.create(
            slug=_unique_slug(title),
            title=title,
            description=description,
            description_html=render_markdown(description),
            owner=owner,
        )
        Stage.objects.bulk_create(
            Stage(project=project, position=i, name=name) for i, name in enumerate(names)
        )
    return project


def set_status(project: Project, *, by: User, status: str) -> Project:
    require_leader(by, project, what="change its status")
    if status not in Project.Status.values:
        raise Refused(f"Unknown status “{status}”.", field="status")
    project.status = status
    project.updated_at = timezone.now()
    project.save(update_fields=["status", "updated_at"])
    return project


def add_leader(project: Project, *, by: User, user: User) -> Leader:
    if project.owner_id != by.pk:
        raise Refused("Only the project's owner adds leaders.", status=403, code="forbidden")
    if user.pk == project.owner_id:
        raise Refused("The owner already leads the project.", field="username")
    with transaction.atomic():
        leader, created = Leader.objects.get_or_create(
            project=project, user=user, defaults={"added_by": by}
        )
        if not created:
            raise Refused(f"@{user.username} is already a leader.", status=409, code="conflict")
        notify(user, "project_leader_added", actor=by, about=leader)
    return leader


def remove_leader(project: Project, *, by: User, user: User) -> None:
    if project.owner_id != by.pk:
        raise Refused("Only the project's owner removes leaders.", status=403, code="forbidden")
    Leader.objects.filter(project=project, user=user).delete()


def add_resource(project: Project, *, by: User, record: Record) -> ProjectResource:
    require_leader(by, project, what="add resources")
    if record.is_deleted or not record.is_public:
        raise Refused("Resources must be public records.", field="record")
    resource, _ = ProjectResource.objects.get_or_create(
        project=project, record=record, defaults={"added_by": by}
    )
    return resource


def remove_resource(project: Project, *, by: User, record: Record) -> None:
    require_leader(by, project, what="remove resources")
    ProjectResource.objects.filter(project=project, record=record).delete()


def set_stage_state(project: Project, *, by: User, position: int, state: str) -> Stage:
    require_leader(by, project, what="move its stages")
    if state not in Stage.State.values:
        raise Refused(f"Unknown stage state “{state}”.", field="state")
    stage = Stage.objects.filter(project=project, position=position).first()
    if stage is None:
        raise Refused("There is no such stage.", status=404, code="not_found")
    stage.state = state
    stage.save(update_fields=["state"])
    return stage


def post_update(project: Project, *, by: User, body: str) -> StatusUpdate:
    """News from the leaders on the project page, sent to everyone taking part: the
    leaders and whoever entered one of its calls. (Followers join them with follows,
    which the community issue brings.)"""
    require_leader(by, project, what="post updates")
    body = checked_text((body or "").strip(), field="body", label="update", multiline=True)
    if not body:
        raise Refused("Write the update first.", field="body")
    if len(body) > 10_000:
        raise Refused("An update can be at most 10,000 characters.", field="body")
    with transaction.atomic():
        update = StatusUpdate.objects.create(
            project=project, author=by, body=body, body_html=render_markdown(body)
        )
        notify_many(list(taking_part(project)), "project_update", actor=by, about=update)
    return update


def taking_part(project: Project) -> Any:
    """The leaders, and (while the project is visible to everyone) its entrants."""
    people = Q(pk=project.owner_id) | Q(led_projects__project=project)
    if project.is_visible_to_everyone:
        people |= Q(entries__call__project=project)
    return User.objects.filter(people).distinct()


# ---------------------------------------------------------------- calls


def create_call(
    project: Project,
    *,
    by: User,
    title: str,
    brief: str,
    deadline: datetime,
    accepted_kinds: Iterable[str] = (),
    resources: Iterable[Record] = (),
    requires_resources: bool = False,
    max_entries_per_person: int = 3,
    sealed: bool = False,
    blind_review: bool = False,
    stage: Stage | None = None,
) -> Call:
    require_leader(by, project, what="post calls")
    title = clean_title(title)
    brief = (brief or "").strip()
    if not brief:
        raise Refused("Write a brief: what you are asking for.", field="brief")
    checked_text(brief, field="brief", label="brief", multiline=True)
    if timezone.is_naive(deadline):
        raise Refused("Give the deadline with its time zone.", field="deadline")
    if deadline <= timezone.now():
        raise Refused("The deadline must be in the future.", field="deadline")
    kinds = sorted(set(accepted_kinds))
    unknown = [k for k in kinds if k not in Record.Kind.values]
    if unknown:
        raise Refused(f"Unknown kinds: {', '.join(unknown)}.", field="accepted_kinds")
    if not 1 <= max_entries_per_person <= 100:
        raise Refused("Allow between 1 and 100 entries per person.", field="max_entries")
    if stage is not None and stage.project_id != project.pk:
        raise Refused("That stage belongs to another project.", field="stage")
    resources = list(resources)
    if any(r.is_deleted or not r.is_public for r in resources):
        raise Refused("Resources must be public records.", field="resources")
    if requires_resources and not resources:
        raise Refused("Name the resources entries must cite.", field="resources")
    with transaction.atomic():
        call = Call.objects.create(
            project=project,
            stage=stage,
            title=title,
            brief=brief,
            brief_html=render_markdown(brief),
            deadline=deadline,
            accepted_kinds=kinds,
            requires_resources=requires_resources,
            max_entries_per_person=max_entries_per_person,
            visibility=Call.Visibility.SEALED if sealed else Call.Visibility.OPEN,
            blind_review=blind_review,
            created_by=by,
            event_code=new_event_code(),
        )
        CallResource.objects.bulk_create(CallResource(call=call, record=r) for r in resources)
    return call


def set_call_status(call: Call, *, by: User, status: str) -> Call:
    require_leader(by, call.project, what="close or resolve calls")
    order = [Call.Status.OPEN, Call.Status.CLOSED, Call.Status.RESOLVED]
    if status not in order:
        raise Refused(f"Unknown status “{status}”.", field="status")
    if order.index(Call.Status(status)) < order.index(Call.Status(call.status)):
        raise Refused(f"A {call.status} call cannot be made {status} again.", status=409)
    call.status = status
    if status != Call.Status.OPEN:
        call.event_mode = False  # the show's link stops working with the call
    call.save(update_fields=["status", "event_mode"])
    return call


# ---------------------------------------------------------------- entries


def require_open(call: Call) -> None:
    """Refuse an entry once the call's deadline has passed or it was closed."""
    if not call.accepts_entries:
        raise Refused(
            "This call does not take entries any more: its deadline has passed."
            if call.status == Call.Status.OPEN
            else f"This call is {call.status}; it does not take entries.",
            status=409,
            code="call_closed",
        )


def require_kind(call: Call, record: Record) -> None:
    if call.accepted_kinds and record.kind not in call.accepted_kinds:
        wanted = ", ".join(Record.Kind(k).label.lower() for k in call.accepted_kinds)
        raise Refused(
            f"This call takes {wanted}; “{record.title}” is {record.get_kind_display().lower()}.",
            code="kind_not_accepted",
        )


def lock_for_entry(call: Call, by: User) -> None:
    """Take the call's lock (one entrant at a time) and refuse one entry too many: entries
    not withdrawn plus uploads still being processed. Call inside a transaction."""
    Call.objects.select_for_update().filter(pk=call.pk).first()
    mine = Entry.objects.filter(call=call, entrant=by).exclude(state=Entry.State.WITHDRAWN)
    waiting = EntryUpload.objects.filter(
        call=call, entrant=by, problem="", record__deleted_at__isnull=True
    )
    if mine.count() + waiting.count() >= call.max_entries_per_person:
        raise Refused(
            f"This call takes at most {call.max_entries_per_person} entries per person.",
            status=409,
            code="entry_limit",
        )


def submit_entry(call: Call, *, by: User, record: Record) -> Entry:
    """Enter a record in a call. Refused, with the reason: after the deadline or once
    the call closed; a record that is not yours, removed, not public, of a kind the call
    does not take, or not citing a resource the call requires; a duplicate; one over
    the per-person limit."""
    require_open(call)
    if record.owner_id != by.pk:
        raise Refused("You can only enter your own records.", status=403, code="forbidden")
    if record.is_deleted:
        raise Refused("That record was deleted.", status=410, code="gone")
    if not record.is_public:
        raise Refused(
            "Publish the record before entering it: leaders and, once the call allows, "
            "everyone need to see it.",
            code="not_public",
        )
    require_kind(call, record)
    if call.requires_resources:
        required = set(call.resource_links.values_list("record_id", flat=True))
        if not required & set(graph.reachable(record.pk, "ancestors")):
            raise Refused(
                "This call asks entries to build on its resources: cite at least one of "
                "them as a source first.",
                code="resource_not_cited",
            )
    with transaction.atomic():
        Call.objects.select_for_update().filter(pk=call.pk).first()  # one entrant at a time
        if Entry.objects.filter(call=call, record=record).exists():
            raise Refused("This record is already entered.", status=409, code="duplicate_entry")
        lock_for_entry(call, by)
        return Entry.objects.create(call=call, record=record, entrant=by)


def withdraw_entry(entry: Entry, *, by: User) -> Entry:
    if entry.entrant_id != by.pk:
        raise Refused("Only the entrant can withdraw an entry.", status=403, code="forbidden")
    if entry.call.status != Call.Status.OPEN:
        raise Refused("The call is closed; its entries stay as they are.", status=409)
    if entry.state == Entry.State.WITHDRAWN:
        return entry
    with transaction.atomic():
        Decision.objects.create(
            entry=entry, by=by, from_state=entry.state, to_state=Entry.State.WITHDRAWN
        )
        entry.state = Entry.State.WITHDRAWN
        entry.updated_at = timezone.now()
        entry.save(update_fields=["state", "updated_at"])
    return entry


REVIEW_STATES = {
    Entry.State.SUBMITTED,
    Entry.State.SHORTLISTED,
    Entry.State.SELECTED,
    Entry.State.DECLINED,
}


def decide(entries: Iterable[Entry], *, by: User, state: str, note: str = "") -> list[Entry]:
    """Move entries of one call to `state`, logging who, when, from what and why, and
    telling each entrant. All or nothing: one entry that cannot move refuses them all."""
    entries = list(entries)
    if not entries:
        return []
    if state not in REVIEW_STATES:
        raise Refused(f"Entries cannot be made “{state}” by a decision.", field="state")
    note = checked_text((note or "").strip(), field="note", label="note", multiline=True)
    if len(note) > 2000:
        raise Refused("The note can be at most 2,000 characters.", field="note")
    calls = {e.call_id for e in entries}
    if len(calls) > 1:
        raise Refused("Decide on the entries of one call at a time.", field="entries")
    call = entries[0].call
    require_leader(by, call.project, what="review entries")
    if call.status != Call.Status.OPEN:
        raise Refused(f"The call is {call.status}: its decisions are final.", status=409)
    if any(e.state == Entry.State.WITHDRAWN for e in entries):
        raise Refused("A withdrawn entry cannot be reviewed.", status=409, code="withdrawn")
    changed = [e for e in entries if e.state != state]
    now = timezone.now()
    with transaction.atomic():
        Decision.objects.bulk_create(
            Decision(entry=e, by=by, from_state=e.state, to_state=state, note=note, created_at=now)
            for e in changed
        )
        Entry.objects.filter(pk__in=[e.pk for e in changed]).update(state=state, updated_at=now)
        for entry in changed:
            entry.state = state
            notify(entry.entrant, "entry_decided", actor=by, about=entry)
    return entries


def score(entry: Entry, *, by: User, value: int) -> Score:
    require_leader(by, entry.call.project, what="score entries")
    if not isinstance(value, int) or not 1 <= value <= 5:
        raise Refused("A score is a whole number from 1 to 5.", field="value")
    with transaction.atomic():
        existing = Score.objects.select_for_update().filter(entry=entry, reviewer=by).first()
        if existing is None:
            made = Score.objects.create(entry=entry, reviewer=by, value=value)
            Entry.objects.filter(pk=entry.pk).update(
                score_count=F("score_count") + 1, score_total=F("score_total") + value
            )
            return made
        Entry.objects.filter(pk=entry.pk).update(
            score_total=F("score_total") - existing.value + value
        )
        existing.value = value
        existing.updated_at = timezone.now()
        existing.save(update_fields=["value", "updated_at"])
        return existing


# ---------------------------------------------------------------- who sees entries


def visible_entries(call: Call, viewer: Any) -> Any:
    """The call's entries this viewer may see: all of them for leaders; the entrant's
    own while a sealed call is open; everyone's (withdrawn aside) otherwise."""
    entries = Entry.objects.filter(call=call).select_related("record__owner", "entrant")
    if is_leader(viewer, call.project):
        return entries
    entries = entries.exclude(state=Entry.State.WITHDRAWN)
    if call.is_sealed_now:
        if viewer is None or not viewer.is_authenticated:
            return entries.none()
        return entries.filter(entrant=viewer)
    return entries


def names_hidden_from(viewer: Any, call: Call) -> bool:
    """Blind review: while the call is open, its reviewers see entries without names
    (the entrant still sees their own)."""
    return call.blind_review and call.status == Call.Status.OPEN and is_leader(viewer, call.project)
