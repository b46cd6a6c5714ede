"""The search page: one box over records, projects, calls and people."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ensemble.core import memberpages
from ensemble.core.params import page_number, whole
from ensemble.records.models import Licence, Record
from ensemble.search.models import Document
from ensemble.search.results import PAGE, Found, RecordFilters, search


@memberpages.kept_page
def search_page(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:200]
    kind = request.GET.get("type", "")
    kind = kind if kind in Document.Kind.values else ""
    subkind = request.GET.get("kind", "")
    subkind = subkind if subkind in Record.Kind.values else ""
    licence = request.GET.get("licence", "")
    filters = RecordFilters(
        tag=request.GET.get("tag", "").strip()[:50],
        licence=licence if licence in Licence.values else "",
        never_remixed=request.GET.get("never_remixed") in ("1", "true", "on"),
    )
    page = page_number(request.GET.get("page"), last=50)
    like = whole(request.GET.get("like"))  # "N more like this": the rest of a group
    results = (
        search(
            query,
            kind=kind,
            subkind=subkind,
            page=page,
            records=filters,
            like=like,
            viewer=request.user,
        )
        if query.strip()
        else Found()
    )
    # The same filters on the pager's and the groups' links (only those given).
    given = {
        "q": query,
        "type": kind,
        "kind": subkind,
        "tag": filters.tag,
        "licence": filters.licence,
        "never_remixed": "1" if filters.never_remixed else "",
    }
    query_string = urlencode({k: v for k, v in given.items() if v})
    return render(
        request,
        "search/search.html",
        {
            "query": query,
            "type": kind,
            "kind": subkind,
            "filters": filters,
            "results": results,
            "page": page,
            "more": results.hits == PAGE,
            "like": like,
            "like_title": results[0].obj.title if like is not None and results else "",
            "types": Document.Kind.choices,
            "kinds": Record.Kind.choices,
            "licences": Licence.choices,
            "query_string": query_string,
            "pager_string": query_string + (f"&like={like}" if like is not None else ""),
        },
    )
