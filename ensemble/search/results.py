"""Search results with what each found thing is: index hits joined to their objects in
one query per type, and checked again against who may see them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models.expressions import RawSQL

from ensemble.accounts.models import User
from ensemble.projects.models import Call, Project
from ensemble.records import hooks
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


@dataclass(frozen=True)
class RecordFilters:
    """The filters browse offers, for records found by search. They are read from the
    records themselves when searching, so the index never holds a stale licence or
    "never remixed"."""

    tag: str = ""
    licence: str = ""
    never_remixed: bool = False

    def __bool__(self) -> bool:
        return bool(self.tag or self.licence or self.never_remixed)


def record_filter(filters: RecordFilters) -> tuple[str, list[Any]]:
    """`EXISTS (the record of document d, narrowed by the filters)`: a correlated check
    per match, so a filter that keeps most records costs no list of them."""
    records = (
        Record.objects.public()
        .filter(pk=RawSQL("d.object_id", ()))
        .narrowed(tag=filters.tag, licence=filters.licence)
    )
    if filters.never_remixed and "never_remixed" in hooks.browse_filters:
        records = hooks.browse_filters["never_remixed"][1](records)
    sql, params = records.values("pk").query.sql_with_params()
    return f"d.kind = 'record' AND EXISTS ({sql})", list(params)


def search(query: str, *, kind: str = "", subkind: str = "", page: int = 1,
           records: RecordFilters | None = None) -> list[Result]:  # fmt: skip
    """A page of results. The index holds only public documents; the join checks again,
    so a thing made private a moment ago is not shown even before its document goes.
    Record filters find records only."""
    page = max(1, min(page, 50))
    only = record_filter(records) if records else None
    hits = index.find(query, kind=kind, subkind=subkind, limit=PAGE, offset=(page - 1) * PAGE,
                      only=only)  # fmt: skip
    objects = _objects(hits)
    results = []
    for hit in hits:
        obj = objects.get((hit.kind, hit.object_id))
        if obj is not None:
            results.append(Result(hit.kind, obj, obj.get_absolute_url(), hit.title_html,
                                  hit.snippet_html))  # fmt: skip
    return results
