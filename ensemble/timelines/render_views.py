"""The renders on the editor's page: started, followed live (a polled fragment), and a
draft's file played. For the project's leaders only; anyone else gets 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ensemble.accounts.http import member
from ensemble.core import filestore
from ensemble.core.ranged import content_disposition, ranged_file_response
from ensemble.core.refusals import Refused, not_found_if_forbidden
from ensemble.timelines import services
from ensemble.timelines.lookup import see_other, timeline_for
from ensemble.timelines.models import Render, Timeline

RENDERS_SHOWN = 6


def renders_context(timeline: Timeline) -> dict[str, Any]:
    renders = list(timeline.renders.select_related("revision", "version")[:RENDERS_SHOWN])
    return {
        "renders": renders,
        "renders_busy": any(not r.is_finished for r in renders),
        "production_record": timeline.production.record if timeline.production else None,
    }


@login_required
@never_cache
def renders(request: HttpRequest, timeline_id: int) -> HttpResponse:
    """The latest renders and where they stand: the fragment the editor polls."""
    timeline = timeline_for(request, timeline_id)
    context = {"timeline": timeline, **renders_context(timeline)}
    return render(request, "timelines/edit.html#renders", context)


def _window(request: HttpRequest) -> tuple[float, float] | None:
    """The part of the production a preview asks for, or None for the whole of it."""
    start, end = request.POST.get("start", "").strip(), request.POST.get("end", "").strip()
    if not start and not end:
        return None
    try:
        return float(start), float(end)
    except ValueError:
        raise Refused("Give the preview's start and end in seconds.", field="start") from None


@login_required
@require_POST
def start_render(request: HttpRequest, timeline_id: int) -> HttpResponse:
    """Queue a draft or final render of the newest revision."""
    timeline = timeline_for(request, timeline_id)
    quality = request.POST.get("quality", "")
    problem = said = ""
    try:
        made = services.start_render(
            timeline, by=member(request), quality=quality, window=_window(request)
        )
    except Refused as error:
        not_found_if_forbidden(error)
        problem = error.message
    else:
        said = f"{made.get_quality_display()} render of revision {made.revision.number} queued."
    if request.headers.get("HX-Request") == "true":
        context = {
            "timeline": timeline,
            "render_problem": problem,
            "render_said": "" if problem else said,
            **renders_context(timeline),
        }
        # 200 even when refused: htmx swaps in only a successful answer, and the
        # refusal is said in the fragment's status line.
        return render(request, "timelines/edit.html#renders", context)
    if problem:
        messages.error(request, problem)
    else:
        messages.success(request, said)
    return see_other(reverse("timelines:edit", args=[timeline.pk]) + "#renders")


@login_required
def render_file(request: HttpRequest, render_id: int) -> HttpResponseBase:
    """A draft render's file, for the project's leaders only: from the folder with range
    requests (players seek), or a redirect to a link the bucket answers for a while."""
    made = get_object_or_404(
        Render.objects.select_related("timeline__project"),
        pk=render_id,
        quality=Render.Quality.DRAFT,
        state=Render.State.READY,
    )
    try:
        services.require_editor(member(request), made.timeline)
    except Refused as error:
        not_found_if_forbidden(error)
        raise Http404 from error
    area = filestore.media
    mime = "audio/mp4" if made.file.endswith(".m4a") else "video/mp4"
    name = f"{made.timeline.title[:80]} draft {made.pk}{made.file[made.file.rfind('.') :]}"
    if area.is_local:
        return ranged_file_response(
            request,
            area.local_path(made.file),
            content_type=mime,
            inline_name=name,
            cache_control="private, no-store",
        )
    link = area.signed_link(
        made.file,
        content_type=mime,
        disposition=content_disposition("inline", name),
        cache_control="private, no-store",
    )
    answer = HttpResponseRedirect(link)
    answer["Cache-Control"] = "private, no-store"
    return answer
