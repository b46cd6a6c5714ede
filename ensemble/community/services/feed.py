"""The home feed of a member: new public records (and remixes) from people they follow;
updates, calls and releases of projects they follow; remixes of their own work.

No activity table to keep in step: each kind of event is read from where it already
lives, newest first, two queries per kind (the page's ids from the index, then those
rows with their joins: ten per page, however many people are followed), then merged.
The cursor holds the time and identity of the last item shown; a record that is both
new from someone followed and a remix of yours appears once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.db import connections
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from ensemble.accounts import blocks
from ensemble.accounts.http import member
from ensemble.core import fragments
from ensemble.core.pagination import BadCursor
from ensemble.lineage.models import Source
from ensemble.projects.models import Call, Project, Release, StatusUpdate, visible_to_everyone
from ensemble.records.models import Record

PAGE = 20
_PERSON = ("username", "display_name")
# What each kind's items show (the page and `GET /feed`), loaded for the page's rows
# only: the joins, and their columns alone. Whole rows carried descriptions, members'
# profiles and a release's whole credit roll, for a title and a name.
SHOWN: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "record": (
        ("owner",),
        ("title", "owner_id", "published_at", *(f"owner__{f}" for f in _PERSON)),
    ),
    "remix": (
        ("derived__owner", "source"),
        (
            *("derived_id", "source_id", "created_at", "source__title"),
            *("derived__title", "derived__owner_id", *(f"derived__owner__{f}" for f in _PERSON)),
        ),
    ),
    "update": (
        ("project", "author"),
        (
            *("project_id", "author_id", "body_html", "created_at", "project__slug"),
            *("project__title", *(f"author__{f}" for f in _PERSON)),
        ),
    ),
    "call": (
        ("project",),
        ("project_id", "title", "created_at", "project__slug", "project__title"),
    ),
    "release": (
        ("production__record", "production__project"),
        (
            *("production_id", "released_at", "production__record_id", "production__project_id"),
            *("production__record__title", "production__project__slug"),
            "production__project__title",
        ),
    ),
}
_SALT = "ensemble.community.feed"
KINDS = ("record", "remix", "update", "call", "release")


@dataclass(frozen=True)
class Item:
    kind: str  # one of KINDS
    at: dt.datetime
    key: int  # the row's id within its kind (ties in time are broken by kind, then key)
    obj: Any


def _cursor(item: Item) -> str:
    return signing.dumps([item.at.isoformat(), KINDS.index(item.kind), item.key], salt=_SALT)


def _read(cursor: str) -> tuple[dt.datetime, int, int]:
    try:
        at, kind, key = signing.loads(cursor, salt=_SALT)
        return dt.datetime.fromisoformat(at), int(kind), int(key)
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise BadCursor("This cursor is not valid; start again from the first page.") from error


def _before(
    qs: QuerySet[Any], field: str, kind: str, last: tuple[dt.datetime, int, int] | None
) -> QuerySet[Any]:
    """Rows strictly after the cursor in feed order (newest first)."""
    if last is None:
        return qs
    at, kind_index, key = last
    here = KINDS.index(kind)
    # Implied by each case below, but said on its own it bounds the index range, so a
    # later page starts at the cursor instead of walking down to it from the newest.
    qs = qs.filter(**{f"{field}__lte": at})
    older = Q(**{f"{field}__lt": at})
    if here > kind_index:
        return qs.filter(older | Q(**{field: at}))
    if here == kind_index:
        return qs.filter(older | Q(**{field: at, "pk__lt": key}))
    return qs.filter(older)


def queries(user: Any) -> dict[str, tuple[QuerySet[Any], str]]:
    """Where each kind of item comes from for `user`, and the time it is ordered by."""
    people = user.following.filter(person__isnull=False).values("person_id")
    projects = (
        Project.objects.filter(followers__follower=user).filter(visible_to_everyone()).values("pk")
    )
    return {
        "record": (
            # `published_at` is set on every public record (a constraint). Saying so
            # makes SQLite read the followed people's newest through records'
            # `record_owner_published` index (1 ms), not every record of theirs from
            # the table (27 ms for 7,000 on the bench site); a no-op for PostgreSQL.
            Record.objects.public()
            .filter(owner__in=people, published_at__isnull=False)
            # A remix of your work shows as a remix, not twice: one probe of the
            # record's own edges (by `derived`) each, the owner read from the edge.
            .exclude(source_edges__source_owner=user),
            "published_at",
        ),
        "remix": (
            # The edge's own copy of the source's owner: the newest edges into your work
            # are a backwards walk of `lineage_source_owner_new`, stopping after a page
            # (0.4 ms), where joining to the sources' owner gathered and sorted every
            # edge into your records (30,000 for a member with 10,000: 116 ms).
            Source.objects.filter(
                source_owner=user, derived__visibility="public", derived__deleted_at__isnull=True
            ).exclude(derived__owner__in=[user.pk, *blocks.either_way(user)]),
            "created_at",
        ),
        "update": (
            StatusUpdate.objects.filter(project__in=projects),
            "created_at",
        ),
        "call": (Call.objects.filter(project__in=projects), "created_at"),
        "release": (
            Release.objects.filter(production__project__in=projects),
            "released_at",
        ),
    }


def newest_ids(
    qs: QuerySet[Any], field: str, kind: str, last: tuple[dt.datetime, int, int] | None, size: int
) -> QuerySet[Any]:
    """The ids of a kind's next `size + 1` items after the cursor `last`, newest first:
    ordered exactly as its index is (time, then id), so the database walks the index
    and stops, rather than sorting."""
    newest = _before(qs, field, kind, last).order_by(f"-{field}", "-pk")
    return newest.values_list("pk", flat=True)[: size + 1]


# "New from people you follow" on PostgreSQL: each person's newest, then the newest of
# those. Asked for the newest of everyone followed at once, PostgreSQL gathers and sorts
# all their public records (73,000 for a reader following 200 people on the bench site:
# 52 ms) where SQLite walks the index and stops (2 ms). Here each person's walk of
# `record_owner_published` stops after a page (200 short walks, each record probed once
# in `lineage_source_derived_owner` for the exclusion): 10-12 ms. The same conditions as
# `queries()["record"]` and `_before`, in SQL; tests compare the two on PostgreSQL.
_FOLLOWED_NEWEST = """
SELECT newest.id FROM community_follow AS f
CROSS JOIN LATERAL (
    SELECT r.id, r.published_at FROM records_record AS r
    WHERE r.owner_id = f.person_id AND r.visibility = 'public' AND r.deleted_at IS NULL
      AND r.published_at IS NOT NULL {after}
      AND NOT EXISTS (
          SELECT 1 FROM lineage_source AS s
          WHERE s.derived_id = r.id AND s.source_owner_id = %(reader)s
      )
    ORDER BY r.published_at DESC, r.id DESC
    LIMIT %(size)s
) AS newest
WHERE f.follower_id = %(reader)s AND f.person_id IS NOT NULL
ORDER BY newest.published_at DESC, newest.id DESC
LIMIT %(size)s
"""


def followed_newest_ids(
    user: Any, last: tuple[dt.datetime, int, int] | None, size: int, using: str = "default"
) -> list[int]:
    """What `newest_ids` gives for the "record" kind, each followed person's newest
    first (PostgreSQL only: LATERAL)."""
    after = ""
    params: dict[str, Any] = {"reader": user.pk, "size": size + 1}
    if last is not None:
        params["at"], kind_index, params["key"] = last
        # "record" is the first kind: at the cursor's time, only a record's own cursor
        # goes on to lower ids (as `_before`).
        after = (
            "AND (r.published_at, r.id) < (%(at)s, %(key)s)"
            if kind_index == KINDS.index("record")
            else "AND r.published_at < %(at)s"
        )
    with connections[using].cursor() as cursor:
        cursor.execute(_FOLLOWED_NEWEST.format(after=after), params)
        return [row[0] for row in cursor.fetchall()]


def kept_page(request: HttpRequest, cursor: str | None) -> tuple[list[Item], str | None]:
    """`page` for the member asking, kept for them alone until a write changes what
    pages show (core.fragments.kept_for_member): everything a feed is made of (records,
    edges, follows, projects, blocks) is in tables that renewal watches."""
    user = member(request)
    return fragments.kept_for_member(
        request, "feed", cursor or "", compute=lambda: page(user, cursor)
    )


def page(
    user: Any, cursor: str | None = None, *, size: int = PAGE
) -> tuple[list[Item], str | None]:
    """One page of the feed and the cursor for the next (None at the end)."""
    last = _read(cursor) if cursor else None
    found: list[Item] = []
    for kind, (qs, field) in queries(user).items():
        # Ids first, from the index alone, then only those rows with their joins:
        # sorting 18,000 whole record rows for 21 cost 80 ms (docs/benchmarks.md).
        if kind == "record" and connections[qs.db].vendor == "postgresql":
            ids = followed_newest_ids(user, last, size, qs.db)
        else:
            ids = list(newest_ids(qs, field, kind, last, size))
        joins, columns = SHOWN[kind]
        rows = qs.model._default_manager.filter(pk__in=ids).select_related(*joins).only(*columns)
        found.extend(Item(kind, getattr(row, field), row.pk, row) for row in rows)
    found.sort(key=lambda i: (i.at, -KINDS.index(i.kind), i.key), reverse=True)
    shown: list[Item] = []
    seen_records: set[int] = set()
    for item in found:
        record_id = (
            item.obj.pk
            if item.kind == "record"
            else (item.obj.derived_id if item.kind == "remix" else None)
        )
        if record_id is not None:
            if record_id in seen_records:
                continue  # new from someone you follow and a remix of yours: once
            seen_records.add(record_id)
        shown.append(item)
        if len(shown) == size + 1:
            break
    more = len(shown) > size
    shown = shown[:size]
    return shown, (_cursor(shown[-1]) if more and shown else None)
