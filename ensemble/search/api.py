"""`GET /api/v1/search`: the same search as the page, in the same order."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from ensemble.accounts import http
from ensemble.core.api import ERRORS, choices_schema
from ensemble.core.json_in import Lax
from ensemble.records.api import RecordKind
from ensemble.records.models import Licence
from ensemble.search.models import Document
from ensemble.search.results import RecordFilters, Result
from ensemble.search.results import search as run

router = Router(tags=["search"])
DocumentKind = Annotated[Document.Kind, Lax, choices_schema(Document.Kind, "SearchType")]


class ResultOut(Schema):
    type: str
    id: int
    url: str
    title_html: str  # escaped, the matched words in <mark>
    snippet_html: str
    kind: str | None  # a record's kind (text, image, audio, video, other)
    author: str | None  # the maker's username: a record's, project's or call's
    date: datetime | None  # published (record), started (project), deadline (call), joined
    thumb: str | None  # a record's thumbnail (for audio, its waveform), signed
    group_size: int  # this result and the near-identical ones it stands for
    more_url: str | None  # the others, when group_size > 1: the same search with `like`


def _out(r: Result) -> dict[str, Any]:
    return {
        "type": r.kind,
        "id": r.obj.pk,
        "url": r.url,
        "title_html": r.title_html,
        "snippet_html": r.snippet_html,
        "kind": r.obj.kind if r.kind == "record" else None,
        "author": r.author.username if r.author else None,
        "date": r.date,
        "thumb": r.media.thumb if r.media else None,
        "group_size": r.group_size,
    }


@router.get("/search", response={200: list[ResultOut], **ERRORS}, auth=None)
def search(
    request: HttpRequest,
    q: str = Query(..., max_length=200),
    type: DocumentKind | None = None,
    kind: RecordKind | None = None,
    tag: str = Query("", max_length=50),
    license: Licence | None = None,
    never_remixed: bool = False,
    like: int | None = Query(None, ge=1, le=2**63 - 1),
    page: int = Query(1, ge=1, le=50),
) -> list[dict[str, Any]]:
    """Records, projects, calls and people matching every word of `q` (the last as a
    prefix), best first: a title holding every word, then the words together, then
    relevance and recency. Near-identical records (titles that differ only by a take
    number, by one owner or entered in one call) come as one result whose `group_size`
    counts them; `like=<id>` lists that record's group. Only what everyone may see, and
    nothing by members the asker blocks.
    `kind`, `tag`, `license` and `never_remixed` narrow records as browse does; the
    last three find records only."""
    filters = RecordFilters(tag=tag.strip(), licence=license or "", never_remixed=never_remixed)
    results = run(
        q,
        kind=type or "",
        subkind=kind or "",
        page=page,
        records=filters,
        like=like,
        viewer=http.api_viewer(request),  # leaves out those they block
    )
    more = request.GET.copy()
    more.pop("page", None)
    out = []
    for r in results:
        row = _out(r)
        if r.group_size > 1:
            more["like"] = str(r.obj.pk)
            row["more_url"] = f"{request.path}?{more.urlencode()}"
        else:
            row["more_url"] = None
        out.append(row)
    return out
