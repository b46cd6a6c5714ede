"""`GET /api/v1/records`: the records list, filtered by other apps as browse is.

It shares its path with records' `POST /records` (`EnsembleAPI` serves both methods of a
path from two routers) and keeps the operation id and name it had in `records.api`.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from ensemble.accounts import blocks, http
from ensemble.accounts.models import User
from ensemble.core.api import FILE_ERRORS as ERRORS
from ensemble.core.api import ApiError
from ensemble.core.pagination import numbered, paginate
from ensemble.front import browse
from ensemble.records.api import RecordKind, RecordPage, for_output, record_out
from ensemble.records.models import Licence

router = Router(tags=["records"])


@router.get(
    "/records",
    response={200: RecordPage, **ERRORS},
    auth=None,
    operation_id="ensemble_records_api_list_records",  # as it was in records.api
)
def list_records(
    request: HttpRequest,
    kind: RecordKind | None = None,
    tag: str | None = None,
    license: Licence | None = None,
    owner: str | None = None,
    never_remixed: bool = False,
    call: int | None = Query(None, ge=1, le=2**63 - 1),
    sort: str = Query("newest", max_length=20),
    cursor: str | None = None,
    page: int = Query(1, ge=1, le=500),
    limit: int = Query(24, ge=1, le=100),
) -> dict[str, Any]:
    """Records you may see, newest first: public ones, plus your own drafts when you
    filter by `owner` = your username. `never_remixed=true`: only records no work has
    used or been inspired by yet. `call`: the entries of that call you may see (none
    for a call that is not there for you). `sort=trending`: best trending first (only
    records with a score); such pages go by `page` number, not by cursor. Nothing by
    members you block."""
    if sort != "newest" and sort not in browse.ORDERS:
        choices = ", ".join(["newest", *browse.ORDERS])
        raise ApiError(422, f"sort: one of {choices}.")
    viewer = http.api_viewer(request)
    records = for_output().public()
    if owner:
        user = User.objects.with_username(owner).first()
        if user is None:
            return {"items": [], "next_cursor": None}
        if viewer is not None and viewer.pk == user.pk:
            records = for_output().alive()  # your own drafts too
        records = records.filter(owner=user)
    hidden = blocks.blocked_by(viewer)  # the people you block, as on browse
    if hidden:
        records = records.exclude(owner__in=hidden)
    if kind:
        records = records.filter(kind=kind)
    if tag:
        records = records.filter(tags__name=tag.strip().lower())
    if license:
        records = records.filter(licence=license)
    records = browse.narrowed(
        records,
        never_remixed_only=never_remixed,
        call="" if call is None else str(call),
        viewer=viewer,
    )
    if sort != "newest":
        if cursor:
            raise ApiError(422, "cursor: pages of this sort go by `page`, not by cursor.")
        rows, more = numbered(browse.ordered(records, sort), page=page, size=limit)
        return {
            "items": [record_out(r, viewer) for r in rows],
            "next_cursor": None,
            "next_page": page + 1 if more and page < 500 else None,
        }
    found = paginate(records, cursor=cursor, limit=limit)
    return {
        "items": [record_out(r, viewer) for r in found.items],
        "next_cursor": found.next_cursor,
    }
