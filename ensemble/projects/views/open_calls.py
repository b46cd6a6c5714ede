"""The open calls page: every call taking entries now, filtered by kind and skill, and
for a member, the ones asking for their skills marked (or alone, when they ask)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ensemble.accounts.models import Skill
from ensemble.core.pagination import numbered
from ensemble.core.params import page_number
from ensemble.projects.services import matching
from ensemble.records.models import Record

PAGE_SIZE = 24


def open_calls(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    kind = kind if kind in Record.Kind.values else ""
    skill = request.GET.get("skill", "")
    skill = skill if skill in Skill.values else ""
    mine = matching.member_skills(request.user)
    only_mine = bool(mine) and request.GET.get("mine") in ("1", "true", "on")
    calls = matching.open_calls()
    if kind:
        calls = calls.filter(matching.takes_kind(kind))
    if skill:
        calls = calls.filter(matching.suits([skill]))
    if only_mine:
        calls = calls.filter(matching.suits(mine))
    calls = matching.mark_suited(calls, mine).order_by("deadline", "id")
    number = page_number(request.GET.get("page"), last=500)
    rows, more = numbered(calls, page=number, size=PAGE_SIZE)
    given = {"kind": kind, "skill": skill, "mine": "1" if only_mine else ""}
    return render(
        request,
        "projects/open_calls.html",
        {
            "calls": rows,
            "page": number,
            "more": more,
            "kind": kind,
            "skill": skill,
            "only_mine": only_mine,
            "my_skills": [Skill(s).label for s in Skill.values if s in mine],
            "kinds": Record.Kind.choices,
            "skills": Skill.choices,
            "query_string": urlencode({k: v for k, v in given.items() if v}),
        },
    )
