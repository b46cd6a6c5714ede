"""Search results with what each found thing is: index hits joined to their objects in
one query per type, and checked again against who may see them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ensemble.accounts.models import User
from ensemble.projects.models import Call, Project
from ensemble.records.models import Record
from ensemble.search import index

PAGE = 20


@dataclass(frozen=True)
class Result:
    kind: str
    obj: Any
    url: str
    title_html: str
    snippet_html: str


def _objects(hits: list[index.Hit]) -> dict[tuple[str, int], Any]:
    ids: dict[str, list[int]] = {}
    for hit in hits:
        ids.setdefault(hit.kind, []).append(hit.object_id)
    found: dict[tuple[str, int], Any] = {}
    querysets = {
        "record": Record.objects.public().select_related("owner"),
        "project": Project.objects.exclude(status=Project.Status.DRAFT),
        "call": Call.objects.exclude(project__status=Project.Status.DRAFT).select_related(
            "project"
        ),
        "person": User.objects.filter(is_active=True),
    }
    for kind, pks in ids.items():
        for obj in querysets[kind].filter(pk__in=pks):
            found[(kind, obj.pk)] = obj
    return found


def search(query: str, *, kind: str = "", subkind: str = "", page: int = 1) -> list[Result]:
    """A page of results. The index holds only public documents; the join checks again,
    so a thing made private a moment ago is not shown even before its document goes."""
    page = max(1, min(page, 50))
    hits = index.find(query, kind=kind, subkind=subkind, limit=PAGE, offset=(page - 1) * PAGE)
    objects = _objects(hits)
    results = []
    for hit in hits:
        obj = objects.get((hit.kind, hit.object_id))
        if obj is not None:
            results.append(Result(hit.kind, obj, obj.get_absolute_url(), hit.title_html,
                                  hit.snippet_html))  # fmt: skip
    return results
