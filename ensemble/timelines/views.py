"""The timelines' pages: a project's timelines, the editor, its renders, the history of
revisions, and a draft render's file. All for the project's leaders; anyone else gets 404
(a visitor is sent to sign in first).

The editor is one form posting the whole document (forms.py says how it is read); every
button in it (move, remove, add, save) saves a revision. A refused save shows the page
again as it was posted, with the sentence next to the item it names ("video 3: …") and
nothing saved. Renders are followed by polling a fragment of the editor's template.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import OuterRef, Subquery
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
)
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ensemble.accounts.http import member
from ensemble.core.refusals import Refused, not_found_if_forbidden
from ensemble.projects import services as projects
from ensemble.projects.models import Entry
from ensemble.projects.views.base import project_for
from ensemble.records import access
from ensemble.records.models import Record
from ensemble.records.present import Media, card_media
from ensemble.timelines import document, forms, render_views, services, strip
from ensemble.timelines.lookup import see_other, timeline_for
from ensemble.timelines.models import Render, Revision, Timeline
from ensemble.timelines.plan import FITS

REVISIONS_SHOWN = 200
PICKER_SIZE = 100  # selected entries offered to add


# ---------------------------------------------------------------- the project's timelines


@login_required
@never_cache
def timelines(request: HttpRequest, slug: str) -> HttpResponse:
    """The project's timelines, and the form that starts one (then its editor)."""
    project = project_for(request, slug)
    if not projects.is_leader(request.user, project):
        raise Http404
    form = forms.TimelineForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            made = services.create(
                project,
                by=member(request),
                title=form.cleaned_data["title"],
                licence=form.cleaned_data["licence"],
            )
        except Refused as error:
            not_found_if_forbidden(error)
            error.show_on(form)
            status = error.status
        else:
            messages.success(request, f"“{made.title}” started: add its clips.")
            return see_other(reverse("timelines:edit", args=[made.pk]))
    elif request.method == "POST":
        status = 422
    latest = Render.objects.filter(timeline=OuterRef("pk")).order_by("-id")
    found = project.timelines.select_related("production__record").annotate(
        render_state=Subquery(latest.values("state")[:1]),
        render_quality=Subquery(latest.values("quality")[:1]),
    )
    states = dict(Render.State.choices)
    rows = [(t, states.get(t.render_state or "", "")) for t in found]
    return render(
        request,
        "timelines/list.html",
        {"project": project, "rows": rows, "form": form},
        status=status,
    )


# ---------------------------------------------------------------- the editor


@dataclass
class Row:
    """One video item or sound as the editor shows it."""

    key: str  # its fields' names: v3-in, a1.2-in
    name: str  # how refusals name it: "video 3", "audio 1.2"
    item: dict[str, Any]
    record: Record | None = None
    media: Media | None = None
    duration: float | None = None
    error: str = ""

    @property
    def kind(self) -> str:
        return str(self.item.get("type", "sound"))

    @property
    def label(self) -> str:
        """What the item is, in a word and its place: "clip 2", "sound 1.3"."""
        word = {"clip": "clip", "still": "still", "title": "title card", "credits": "credits"}
        return f"{word.get(self.kind, self.kind or 'item')} {self.name.split(' ', 1)[1]}"

    @property
    def title(self) -> str:
        if self.record is not None:
            return self.record.title
        if "record" in self.item:
            return f"record {self.item['record']}"
        return ""


@dataclass
class Track:
    number: int
    rows: list[Row] = field(default_factory=list)


def _records_for(ids: set[int], viewer: Any) -> dict[int, Record]:
    """The records these ids name that the viewer may see: three queries, whatever the
    number (the card's query: owner, current version and its renditions, co-creators)."""
    if not ids:
        return {}
    found = Record.objects.filter(pk__in=ids).for_cards()
    return {r.pk: r for r in found if access.can_view(viewer, r)}


def _editor(
    request: HttpRequest,
    timeline: Timeline,
    edit: forms.Edit,
    *,
    revision: Revision,
    problem: Refused | None = None,
) -> HttpResponse:
    """The editor page for this (saved or posted) document, with `problem` next to the
    item its sentence names, or at the top."""
    viewer = request.user
    picker = list(
        Entry.objects.filter(call__project=timeline.project, state=Entry.State.SELECTED)
        .select_related("record__owner", "record__current_version", "call")
        .prefetch_related("record__current_version__renditions", "record__cocreators")
        .order_by("call_id", "id")[:PICKER_SIZE]
    )
    wanted = {item["record"] for _, item in edit.video if isinstance(item.get("record"), int)}
    wanted |= {
        s["record"] for track in edit.audio for _, s in track if isinstance(s["record"], int)
    }
    known = {e.record.pk: e.record for e in picker}
    records = {pk: known[pk] for pk in wanted if pk in known}
    records |= _records_for(wanted - set(records), viewer)
    message = problem.message if problem else ""
    where = message.split(":", 1)[0] if ":" in message[:20] else ""

    def row(key: str, name: str, item: dict[str, Any]) -> Row:
        made = Row(key=key, name=name, item=item, error=message if where == name else "")
        record = records.get(item["record"]) if isinstance(item.get("record"), int) else None
        if record is not None:
            made.record = record
            made.media = card_media(record.current_version, record, viewer)
            version = record.current_version
            made.duration = version.duration if version is not None else None
        return made

    video = [row(str(n), f"video {n}", item) for n, (_, item) in enumerate(edit.video, 1)]
    tracks = [
        Track(t, [row(f"{t}.{n}", f"audio {t}.{n}", s) for n, (_, s) in enumerate(track, 1)])
        for t, track in enumerate(edit.audio, 1)
    ]
    picture = strip.layout(
        [(r.title or r.label, r.item) for r in video],
        [[(r.title or r.label, r.item) for r in t.rows] for t in tracks],
    )
    placed = any(r.error for r in video) or any(r.error for t in tracks for r in t.rows)
    choices = [
        (e, card_media(e.record.current_version, e.record, viewer))
        for e in picker
        if access.can_view(viewer, e.record)
    ]
    try:
        seconds: float | None = document.length(document.parse(edit.document()))
    except Refused:
        seconds = None
    context = {
        "timeline": timeline,
        "project": timeline.project,
        "revision": revision,
        "based_on": edit.based_on if edit.based_on is not None else revision.number,
        "note": edit.note if problem else "",
        "output": edit.output,
        "video": video,
        "tracks": tracks,
        "track_count": len(tracks),
        "max_tracks": document.MAX_TRACKS,
        "picker": choices,
        "fits": FITS,
        "styles": document.CREDIT_STYLES,
        "seconds": seconds,
        "strip": picture,
        "problem": problem,
        "problem_placed": placed,
        "problem_at": edit.problem_at if problem else "",
        "output_problem": message if where == "output" else "",
        **render_views.renders_context(timeline),
    }
    status = problem.status if problem else 200
    return render(request, "timelines/edit.html", context, status=status)


@login_required
@never_cache
def edit(request: HttpRequest, timeline_id: int) -> HttpResponse:
    """The editor: the newest revision as a form; a POST saves the next revision."""
    timeline = timeline_for(request, timeline_id)
    newest = services.revision_of(timeline)
    if request.method != "POST":
        saved = newest.document
        shown = forms.Edit(
            output=saved["output"],
            video=[(str(n), item) for n, item in enumerate(saved["video"], 1)],
            audio=[
                [(f"{t}.{n}", s) for n, s in enumerate(track, 1)]
                for t, track in enumerate(saved["audio"], 1)
            ],
            based_on=newest.number,
            note="",
        )
        return _editor(request, timeline, shown, revision=newest)
    posted = forms.read(request.POST)
    try:
        forms.apply(posted, request.POST.get("action", ""), request.POST, viewer=request.user)
        note = posted.note.strip() or posted.done
        saved_revision = services.save(
            timeline, posted.document(), by=member(request), based_on=posted.based_on, note=note
        )
    except Refused as error:
        return _editor(request, timeline, posted, revision=newest, problem=error)
    messages.success(request, f"Saved: revision {saved_revision.number}.")
    url = reverse("timelines:edit", args=[timeline.pk])
    return see_other(f"{url}#{posted.focus}" if posted.focus else url)


# ---------------------------------------------------------------- history


@login_required
@never_cache
def history(request: HttpRequest, timeline_id: int) -> HttpResponse:
    """The revisions, newest first; one compared with the newest (`?compare=N`)."""
    timeline = timeline_for(request, timeline_id)
    revisions = list(timeline.revisions.select_related("saved_by")[:REVISIONS_SHOWN])
    newest = revisions[0] if revisions else None
    compared: Revision | None = None
    changes: list[str] = []
    wanted = request.GET.get("compare", "")
    if newest is not None and wanted.isdigit():
        compared = next((r for r in revisions if r.number == int(wanted)), None)
        if compared is None:
            raise Http404
        changes = services.compare(compared, newest)
    rows = [(r, document.length(r.document)) for r in revisions]
    return render(
        request,
        "timelines/history.html",
        {
            "timeline": timeline,
            "rows": rows,
            "newest": newest,
            "compared": compared,
            "changes": changes,
            "more": timeline.revision_count > len(revisions),
        },
    )


@login_required
@require_POST
def restore(request: HttpRequest, timeline_id: int, number: int) -> HttpResponse:
    """Save an old revision again, as the newest, and go back to the editor."""
    timeline = timeline_for(request, timeline_id)
    try:
        made = services.restore(timeline, number, by=member(request))
    except Refused as error:
        not_found_if_forbidden(error)
        if error.status == 404:
            raise Http404 from error
        messages.error(request, error.message)
        return see_other(reverse("timelines:history", args=[timeline.pk]))
    messages.success(request, f"Revision {number} restored as revision {made.number}.")
    return see_other(reverse("timelines:edit", args=[timeline.pk]))
