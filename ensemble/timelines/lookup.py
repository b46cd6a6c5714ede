"""What the timelines' pages share: finding a timeline for one of its leaders, and the
303 that follows a form."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404

from ensemble.accounts.http import member
from ensemble.core.refusals import Refused, not_found_if_forbidden
from ensemble.timelines import services
from ensemble.timelines.models import Timeline


def see_other(url: str) -> HttpResponseRedirect:
    answer = HttpResponseRedirect(url)
    answer.status_code = 303
    return answer


def timeline_for(request: HttpRequest, timeline_id: int) -> Timeline:
    """The timeline, for one of its project's leaders; 404 for anyone else."""
    timeline = get_object_or_404(
        Timeline.objects.select_related("project__owner", "production__record"), pk=timeline_id
    )
    try:
        services.require_editor(member(request), timeline)
    except Refused as error:
        not_found_if_forbidden(error)
        raise Http404 from error
    return timeline
