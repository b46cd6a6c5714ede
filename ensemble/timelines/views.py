"""The timelines' pages: the editor, its renders, and a draft render's file."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import get_object_or_404

from ensemble.accounts.http import member
from ensemble.core import filestore
from ensemble.core.ranged import content_disposition, ranged_file_response
from ensemble.core.refusals import Refused, not_found_if_forbidden
from ensemble.timelines import services
from ensemble.timelines.models import Render


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
    name = f"{made.timeline.title[:80]} draft {made.pk}{made.file[made.file.rfind('.'):]}"
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
