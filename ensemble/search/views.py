"""The search page: one box over records, projects, calls and people."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ensemble.records.models import Record
from ensemble.search.models import Document
from ensemble.search.results import PAGE, search


def search_page(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:200]
    kind = request.GET.get("type", "")
    kind = kind if kind in Document.Kind.values else ""
    subkind = request.GET.get("kind", "")
    subkind = subkind if subkind in Record.Kind.values else ""
    raw_page = request.GET.get("page", "1")
    page = int(raw_page) if raw_page.isdigit() else 1
    results = search(query, kind=kind, subkind=subkind, page=page) if query.strip() else []
    return render(request, "search/search.html", {
        "query": query, "type": kind, "kind": subkind, "results": results, "page": page,
        "more": len(results) == PAGE, "types": Document.Kind.choices,
        "kinds": Record.Kind.choices,
    })  # fmt: skip
