"""Projects: create, status, leaders, resources, stages, updates."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from ensemble.accounts.models import User
from ensemble.core.markdown import render_markdown
from ensemble.core.refusals import Refused
from ensemble.core.text import checked_text, clean_description, clean_title
from ensemble.notifications.services import notify, notify_many
from ensemble.projects import indexing
from ensemble.projects.models import (
    Leader,
    Project,
    ProjectResource,
    Stage,
    StatusUpdate,
)
from ensemble.projects.services.access import require_leader
from ensemble.records.models import Record

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
        indexing.reindex_project(project)
    return project


def set_status(project: Project, *, by: User, status: str) -> Project:
    require_leader(by, project, what="change its status")
    if status not in Project.Status.values:
        raise Refused(f"Unknown status “{status}”.", field="status")
    project.status = status
    project.updated_at = timezone.now()
    with transaction.atomic():
        project.save(update_fields=["status", "updated_at"])
        indexing.reindex_project(project)  # a draft, or its calls, are found by nobody
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
    leaders, whoever entered one of its calls, and its followers."""
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
    """The leaders, and (while the project is visible to everyone) its entrants and
    followers."""
    people = Q(pk=project.owner_id) | Q(led_projects__project=project)
    if project.is_visible_to_everyone:
        # Entrants, and the project's followers (`community.Follow`, related as
        # `following` on the member).
        people |= Q(entries__call__project=project) | Q(following__project=project)
    return User.objects.filter(people).distinct()


def hide(project: Project, reason: str) -> dict[str, Any]:
    """Moderators hide a project (the moderation app decides who and when): its page,
    calls, entries' places in it, pools and comments are its leaders' and the
    moderators' only, as for a draft, until `show`. What it was, for the audit log."""
    before = {"hidden": False, "title": project.title}
    project.hidden_at, project.hidden_reason = timezone.now(), reason
    with transaction.atomic():
        project.save(update_fields=["hidden_at", "hidden_reason"])
        indexing.reindex_project(project)  # out of search, and its calls with it
    return before


def show(project: Project) -> None:
    """Show a hidden project again (an appeal granted)."""
    project.hidden_at, project.hidden_reason = None, ""
    with transaction.atomic():
        project.save(update_fields=["hidden_at", "hidden_reason"])
        indexing.reindex_project(project)
