"""Calls: post one, close and resolve it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from ensemble.accounts.models import Skill, User
from ensemble.core.markdown import render_markdown
from ensemble.core.refusals import Refused
from ensemble.core.text import checked_text, clean_title
from ensemble.notifications.services import notify_many
from ensemble.projects import indexing
from ensemble.projects.models import (
    Call,
    CallResource,
    Project,
    Stage,
)
from ensemble.projects.models.call import new_event_code
from ensemble.projects.services.access import require_leader
from ensemble.records.models import Record

# ---------------------------------------------------------------- calls


def create_call(
    project: Project,
    *,
    by: User,
    title: str,
    brief: str,
    deadline: datetime,
    accepted_kinds: Iterable[str] = (),
    skills: Iterable[str] = (),
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
    wanted = sorted(set(skills))
    unknown = [s for s in wanted if s not in Skill.values]
    if unknown:
        raise Refused(f"Unknown skills: {', '.join(unknown)}.", field="skills")
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
            skills=wanted,
            requires_resources=requires_resources,
            max_entries_per_person=max_entries_per_person,
            visibility=Call.Visibility.SEALED if sealed else Call.Visibility.OPEN,
            blind_review=blind_review,
            created_by=by,
            event_code=new_event_code(),
        )
        CallResource.objects.bulk_create(CallResource(call=call, record=r) for r in resources)
        indexing.reindex_call(call)
        if project.is_visible_to_everyone:  # followers (`community.Follow`) are told
            followers = User.objects.filter(following__project=project, is_active=True)
            notify_many(list(followers), "new_call", actor=by, about=call)
    return call


def set_call_status(call: Call, *, by: User, status: str) -> Call:
    require_leader(by, call.project, what="close or resolve calls")
    if status not in Call.Status.values:
        raise Refused(f"Unknown status “{status}”.", field="status")
    call.move(status)
    return call
