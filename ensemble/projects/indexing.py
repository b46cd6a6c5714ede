"""Search documents for projects and calls: found while the project is not a draft."""

from __future__ import annotations

from ensemble.core.markdown import markdown_words
from ensemble.projects.models import Call, Project
from ensemble.search import index


def reindex_call(call: Call) -> None:
    project = call.project
    public = project is None or project.is_visible_to_everyone
    index.put(
        "call",
        call.pk,
        title=call.title,
        body=markdown_words(call.brief),
        tags=" ".join(call.accepted_kinds),
        public=public,
    )


def reindex_project(project: Project) -> None:
    """The project and its calls (their visibility follows the project's status)."""
    body = markdown_words(project.description)
    index.put(
        "project", project.pk, title=project.title, body=body, public=project.is_visible_to_everyone
    )
    for call in project.calls.all():
        call.project = project
        reindex_call(call)
