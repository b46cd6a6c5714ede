"""The project page: projects' project (stages, production, updates, resources, calls,
the leaders' forms), records' player for its production, community's follow button and
comments.

Kept for every member alike, and for visitors, as a shared fragment (core.fragments),
but for whom it differs: its owner and leaders (their forms) and the creators of its
production (who may see it while it is a draft, and play its original). The follow
button and the comments are holes, filled per request.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from ensemble.community.templatetags import community_tags
from ensemble.core import fragments, memberpages
from ensemble.projects import resources, services
from ensemble.projects.models import Call, Production, Project, Stage
from ensemble.projects.views.base import project_for
from ensemble.records import access
from ensemble.records.models import CoCreator
from ensemble.records.present import media_for


@memberpages.kept_page
def project_page(request: HttpRequest, slug: str) -> HttpResponse:
    project = project_for(request, slug)

    def body(who: Any) -> fragments.Shared:
        context = _context(project, who)
        html = render_to_string("front/_project.html", {**fragments.context_for(who), **context})
        return fragments.Shared(html, not_for=_differs_for(context))

    # The template marks both only on a project everyone may see.
    holes = {
        "follow": lambda: community_tags.follow_html(request, project=project),
        "comments": lambda: community_tags.comments_html(request, project),
    }
    shown = fragments.shared(request, "project", project.pk, render=body, holes=holes)
    return render(request, "front/project.html", {"project": project, "body": shown})


def _context(project: Project, who: Any) -> dict[str, Any]:
    """What the page shows `who` (the stand-in, a visitor, or a member it differs for)."""
    production = (
        Production.objects.filter(project=project)
        .select_related("record__owner", "record__current_version")
        .prefetch_related(Prefetch("record__cocreators", queryset=CoCreator.objects.all()))
        .first()
    )
    release = production.releases.first() if production else None
    # The production plays for whoever may see its record (everyone once released).
    shown = production is not None and access.can_view(who, production.record)
    version = production.record.current_version if shown and production else None
    leader = who.pk is not None and services.is_leader(who, project)
    return {
        "project": project,
        "calls": Call.objects.filter(project=project).order_by("status", "deadline"),
        "is_leader": leader,
        "is_owner": who.pk is not None and who.pk == project.owner_id,
        "leaders": list(project.leaders.select_related("user")),
        "statuses": Project.Status.choices,
        "production": production,
        "release": release,
        "production_shown": shown,
        "production_version": version,
        "production_media": media_for(version, production.record, who)
        if version and production
        else None,
        "updates": project.updates.select_related("author")[:10],
        "resources": resources.resources_of(project),
        "stage_states": Stage.State.choices,
    }


def _differs_for(context: dict[str, Any]) -> frozenset[int]:
    """Who gets the page rendered for them: the owner and leaders, and whoever the
    production's record shows more (its owner, anyone invited to co-create it)."""
    project, production = context["project"], context["production"]
    ids = {project.owner_id, *(leader.user_id for leader in context["leaders"])}
    if production is not None:
        ids |= {production.record.owner_id, *access.cocreator_states(production.record)}
    return frozenset(ids)
