"""`GET /api/v1/search`: the same search as the page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from ensemble.core.api import ErrorOut
from ensemble.records.models import Licence, Record
from ensemble.search.models import Document
from ensemble.search.results import RecordFilters
from ensemble.search.results import search as run

router = Router(tags=["search"])


class ResultOut(Schema):
    type: str
    id: int
    url: str
    title_html: str  # escaped, the matched words in <mark>
    snippet_html: str


@router.get("/search", response={200: list[ResultOut], 422: ErrorOut}, auth=None)
def search(
    request: HttpRequest,
    q: str = Query(..., max_length=200),
    type: Document.Kind | None = None,
    kind: Record.Kind | None = None,
    tag: str = Query("", max_length=50),
    license: Licence | None = None,
    never_remixed: bool = False,
    page: int = Query(1, ge=1, le=50),
) -> list[dict[str, Any]]:
    """Records, projects, calls and people matching every word of `q` (the last as a
    prefix), by relevance and recency; only what everyone may see. `kind`, `tag`,
    `license` and `never_remixed` narrow records as browse does; the last three find
    records only."""
    filters = RecordFilters(tag=tag.strip(), licence=license or "", never_remixed=never_remixed)
    return [
        {"type": r.kind, "id": r.obj.pk, "url": r.url, "title_html": r.title_html,
         "snippet_html": r.snippet_html}
        for r in run(q, kind=type or "", subkind=kind or "", page=page, records=filters)
    ]  # fmt: skip
