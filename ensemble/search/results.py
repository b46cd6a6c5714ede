"""Search results with what each found thing is: index hits joined to their objects in
one query per type (records with their thumbnails in three), checked again against who
may see them, each with its kind, author, picture and date, and near-identical records
as one result with "N more like this"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import BigIntegerField, F, OuterRef, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from ensemble.accounts import blocks
from ensemble.accounts.models import User
from ensemble.lineage.graph import never_remixed
from ensemble.projects.models import (
    Call,
    Entry,
    Project,
    call_visible_to_everyone,
    visible_to_everyone,
)
from ensemble.records.models import Record
from ensemble.records.present import Media, card_media
from ensemble.search import index

PAGE = 20


@dataclass(frozen=True)
class Result:
    kind: str
    obj: Any
    url: str
    title_html: str
    snippet_html: str
    author: User | None = None  # who made it: a record's owner, a project's, a call's
    date: datetime | None = None
    date_label: str = ""  # what the date is: "published", "closes", …
    media: Media | None = None  # a record's thumbnail (a waveform's picture for audio)
    group_size: int = 1  # this result and its near-identical matches

    @property
    def more(self) -> int:
        """How many more like this one search found (shown behind a link)."""
        return self.group_size - 1


def group_scope() -> index.Sql:
    """Who a found record's near-identical titles group with, as SQL on the document
    `d`: the call it was entered in (the first, when several), else its owner.
    Owners are negated so that owner 5 and call 5 never meet. Only calls whose entries
    everyone may see count: a draft project's call or a sealed call still open would
    otherwise show, by the grouping, which records were entered in it. NULL for
    projects, calls and people, which never group."""
    entered = (
        Entry.objects.filter(record_id=OuterRef("pk"))
        .exclude(state=Entry.State.WITHDRAWN)
        .filter(call_visible_to_everyone("call__"))
        .exclude(call__visibility=Call.Visibility.SEALED, call__status=Call.Status.OPEN)
        .order_by("call_id")
        .values("call_id")[:1]
    )
    who = (
        Record.objects.filter(pk=RawSQL("d.object_id", ()))
        .annotate(who=Coalesce(Subquery(entered), -F("owner_id"), output_field=BigIntegerField()))
        .order_by()
        .values("who")
    )
    sql, params = who.query.sql_with_params()
    return f"CASE WHEN d.kind = 'record' THEN ({sql}) END", list(params)


def _objects(hits: list[index.Hit], hidden: frozenset[int]) -> dict[tuple[str, int], Any]:
    """The things the hits name, as they are now; none by a member in `hidden` (those
    the viewer blocks)."""
    ids: dict[str, list[int]] = {}
    for hit in hits:
        ids.setdefault(hit.kind, []).append(hit.object_id)
    found: dict[tuple[str, int], Any] = {}
    querysets = {
        "record": Record.objects.public().for_cards(),
        "project": Project.objects.filter(visible_to_everyone()).select_related("owner"),
        "call": Call.objects.filter(call_visible_to_everyone()).select_related(
            "project", "created_by"
        ),
        "person": User.objects.filter(is_active=True),
    }
    if hidden:
        by = {"record": "owner", "project": "owner", "call": "created_by", "person": "pk"}
        querysets = {k: q.exclude(**{f"{by[k]}__in": hidden}) for k, q in querysets.items()}
    for kind, pks in ids.items():
        for obj in querysets[kind].filter(pk__in=pks):
            found[(kind, obj.pk)] = obj
    return found


def _about(kind: str, obj: Any, viewer: Any) -> dict[str, Any]:
    """Who made it, its date and its picture, by kind."""
    if kind == "record":
        return {
            "author": obj.owner,
            "date": obj.published_at,
            "date_label": "published",
            "media": card_media(obj.current_version, obj, viewer),
        }
    if kind == "project":
        return {"author": obj.owner, "date": obj.created_at, "date_label": "started"}
    if kind == "call":
        closed = obj.status != Call.Status.OPEN
        return {
            "author": obj.created_by,
            "date": obj.deadline,
            "date_label": "closed" if closed else "closes",
        }
    return {"date": obj.date_joined, "date_label": "joined"}


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


def record_filter(filters: RecordFilters) -> index.Sql:
    """`EXISTS (the record of document d, narrowed by the filters)`: a correlated check
    per match, so a filter that keeps most records costs no list of them."""
    records: QuerySet[Record] = (
        Record.objects.public()
        .filter(pk=RawSQL("d.object_id", ()))
        .narrowed(tag=filters.tag, licence=filters.licence)
    )
    if filters.never_remixed:
        records = never_remixed(records)
    sql, params = records.values("pk").query.sql_with_params()
    return f"d.kind = 'record' AND EXISTS ({sql})", list(params)


class Found(list[Result]):
    """A page of results, and how many the index matched for it (`hits`): some may be
    left out (made private a moment ago, or by someone the viewer blocks), so it is the
    hits that say whether a next page may hold more."""

    hits: int = 0


def search(
    query: str,
    *,
    kind: str = "",
    subkind: str = "",
    page: int = 1,
    records: RecordFilters | None = None,
    like: int | None = None,
    viewer: Any = None,
) -> Found:
    """A page of results, near-identical records as one; with `like` (a record's id),
    the matches grouped with that record instead, each on its own. The index holds
    only public documents; the join checks again, so a thing made private a moment ago
    is not shown even before its document goes; nor is anything by a member the viewer
    blocks. Record filters find records only. A constant number of queries."""
    page = max(1, min(page, 50))
    only = record_filter(records) if records else None
    hits = index.find(
        query,
        kind=kind,
        subkind=subkind,
        limit=PAGE,
        offset=(page - 1) * PAGE,
        only=only,
        group=group_scope(),
        like=None if like is None else ("record", like),
    )
    objects = _objects(hits, blocks.blocked_by(viewer))
    results = Found()
    results.hits = len(hits)
    for hit in hits:
        obj = objects.get((hit.kind, hit.object_id))
        if obj is not None:
            results.append(
                Result(
                    hit.kind,
                    obj,
                    obj.get_absolute_url(),
                    hit.title_html,
                    hit.snippet_html,
                    group_size=hit.group_size,
                    **_about(hit.kind, obj, viewer),
                )
            )
    return results
