"""Uploading into a call: from its page and from event mode's phone page (`/e/<code>`),
plus the leaders' switch, the QR code and the screen to project at the show."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ensemble.accounts.http import member
from ensemble.core.ratelimit import limited
from ensemble.core.refusals import Refused, not_found_if_forbidden, show_refusal
from ensemble.projects import entry_uploads, events, services
from ensemble.projects.forms import EntryUploadForm
from ensemble.projects.models import Call, Entry, EntryUpload
from ensemble.projects.views.base import call_for
from ensemble.records import resumable
from ensemble.records.intake import title_from_name
from ensemble.records.models import Record
from ensemble.records.uploads import largest_upload, upload_was_refused


def _answer(request: HttpRequest, url: str, form: EntryUploadForm | None = None) -> HttpResponse:
    """Where to go next: a redirect for a plain form post; JSON for upload-progress.js,
    whose XMLHttpRequest would otherwise follow the redirect and use up the messages."""
    if request.headers.get("X-Progress-Upload") != "1":
        return redirect(url)
    if form is not None and form.errors:
        problems = [str(e) for errors in form.errors.values() for e in errors]
        return JsonResponse({"errors": problems}, status=400)
    return JsonResponse({"location": url})


def _event_call(request: HttpRequest, code: str) -> Call:
    """The call behind a short link, while event mode is on and the viewer may see it."""
    call = call_for(request, get_object_or_404(Call, event_code=code.lower()).pk)
    if not call.event_mode:
        raise Http404
    return call


def handle_upload(request: HttpRequest, call: Call, form: EntryUploadForm) -> EntryUpload | None:
    """Run a posted upload form through `entry_uploads.upload_entry`; refusals go on the form."""
    if upload_was_refused(request):
        form.add_error("file", "The file is larger than any upload we accept.")
        return None
    if not form.is_valid():
        return None
    data = form.cleaned_data
    upload = data["file"]
    try:
        return entry_uploads.upload_entry(
            call,
            by=member(request),
            title=data["title"] or title_from_name(upload.name or "" if upload else ""),
            upload=upload or None,
            text=data["body"] or None,
            resource_ids=data["resources"],
        )
    except Refused as error:
        not_found_if_forbidden(error)
        error.show_on(form)
        return None


@login_required
@require_POST
@limited("upload")
def upload_into_call(request: HttpRequest, call_id: int) -> HttpResponse:
    """The call page's "upload something new" form."""
    call = call_for(request, call_id)
    form = EntryUploadForm(request.POST, request.FILES, resources=entry_uploads.resources_of(call))
    made = handle_upload(request, call, form)
    if made is not None:
        messages.success(
            request, f"“{made.record.title}” is uploaded; it is entered as soon as it is processed."
        )
        return _answer(request, call.get_absolute_url())
    if request.headers.get("X-Progress-Upload") == "1":
        return _answer(request, call.get_absolute_url(), form)
    for errors in form.errors.values():
        for problem in errors:
            messages.error(request, str(problem))
    return redirect(call)


@login_required
@never_cache
def upload_sent(request: HttpRequest, call_id: int) -> HttpResponse:
    """Where upload-progress.js goes once a resumable upload into the call is whole: says
    so, as the form's post does, and opens the call page (or event mode's page, `to=event`,
    while it is on). An upload not the member's, or not into this call, says nothing."""
    call = call_for(request, call_id)
    sent = resumable.mine(member(request), request.GET.get("upload", ""))
    to_event = request.GET.get("to") == "event" and call.event_mode
    into_call = Q(entry_upload__call=call) | Q(entries__call=call)  # waiting, or entered
    if sent is not None and sent.record_id is not None:
        record = Record.objects.filter(into_call, pk=sent.record_id).first()
        if record is not None:
            title = record.title
            messages.success(
                request,
                f"Thank you! “{title}” is in; it is entered once processed."
                if to_event
                else f"“{title}” is uploaded; it is entered as soon as it is processed.",
            )
    return redirect(events.event_path(call) if to_event else call.get_absolute_url())


@never_cache
@limited("upload")
def event(request: HttpRequest, code: str) -> HttpResponse:
    """The audience's page: the brief, an upload form, and what they sent so far."""
    call = _event_call(request, code)
    resources = entry_uploads.resources_of(call)
    form = EntryUploadForm(request.POST or None, request.FILES or None, resources=resources)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"/accounts/login/?next={events.event_path(call)}")
        made = handle_upload(request, call, form)
        if made is not None:
            messages.success(
                request, f"Thank you! “{made.record.title}” is in; it is entered once processed."
            )
            return _answer(request, events.event_path(call))
        if request.headers.get("X-Progress-Upload") == "1":
            return _answer(request, events.event_path(call), form)
    return render(
        request,
        "projects/event.html",
        {
            "call": call,
            "form": form,
            "resources": resources,
            "waiting": entry_uploads.waiting_for(call, request.user),
            "entered": _entered(call, request),
            "max_bytes": largest_upload(),
        },
        status=400 if form.errors else 200,
    )


def _entered(call: Call, request: HttpRequest) -> list[Entry]:
    if not request.user.is_authenticated:
        return []
    return list(
        Entry.objects.filter(call=call, entrant=request.user)
        .exclude(state=Entry.State.WITHDRAWN)
        .select_related("record")
    )


def event_uploads(request: HttpRequest, code: str) -> HttpResponse:
    """The "what you sent" fragment, polled by htmx while something is processing."""
    call = _event_call(request, code)
    return render(
        request,
        "projects/event.html#sent",
        {
            "call": call,
            "waiting": entry_uploads.waiting_for(call, request.user),
            "entered": _entered(call, request),
        },
    )


def event_qr(request: HttpRequest, code: str) -> HttpResponse:
    call = _event_call(request, code)
    response = HttpResponse(events.qr_svg(call), content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=3600"
    return response


@login_required
@never_cache
def event_screen(request: HttpRequest, call_id: int) -> HttpResponse:
    """What a leader projects at the show: the QR code, the short link, the count."""
    call = call_for(request, call_id)
    if not services.is_leader(request.user, call.project) or not call.event_mode:
        raise Http404
    return render(
        request,
        "projects/event_screen.html",
        {
            "call": call,
            "event_url": events.event_url(call),
            "entries": call.entries.exclude(state=Entry.State.WITHDRAWN).count(),
        },
    )


@login_required
@require_POST
def event_mode(request: HttpRequest, call_id: int) -> HttpResponse:
    call = call_for(request, call_id)
    try:
        events.set_event_mode(call, by=member(request), on=request.POST.get("on") == "1")
    except Refused as error:
        show_refusal(request, error)
    return redirect(call)


@login_required
@require_POST
def discard_upload(request: HttpRequest, upload_id: int) -> HttpResponse:
    waiting = get_object_or_404(EntryUpload.objects.select_related("call"), pk=upload_id)
    try:
        entry_uploads.discard(waiting, by=member(request))
    except Refused as error:
        show_refusal(request, error)
    if waiting.call.event_mode and request.POST.get("from") == "event":
        return redirect(events.event_path(waiting.call))
    return redirect(waiting.call)
