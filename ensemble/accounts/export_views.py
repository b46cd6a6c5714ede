"""Your data: ask for an export, watch it being made (htmx polls the list while one is),
download it while it is kept (`exports.download`: from the folder, or the bucket)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ensemble.accounts import exports
from ensemble.accounts.http import member
from ensemble.accounts.models import DataExport
from ensemble.core.refusals import Refused

SHOWN = 10  # the newest exports listed


@login_required
@never_cache
def exports_page(request: HttpRequest) -> HttpResponse:
    rows = list(DataExport.objects.filter(user=member(request))[:SHOWN])
    busy = any(e.state in (DataExport.State.QUEUED, DataExport.State.BUILDING) for e in rows)
    name = "accounts/exports.html#list" if request.headers.get("HX-Request") else None
    shown = {"exports": rows, "busy": busy, "days": settings.EXPORT_DAYS}
    return render(request, name or "accounts/exports.html", shown)


@login_required
@require_POST
def start_export(request: HttpRequest) -> HttpResponse:
    try:
        exports.request(member(request))
    except Refused as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Gathering your data; you will be told when it is ready.")
    return redirect("accounts:exports")


@login_required
@never_cache
def download_export(request: HttpRequest, export_id: int) -> HttpResponseBase:
    export = get_object_or_404(DataExport, pk=export_id, user=member(request))
    answer = exports.download(export)
    if answer is None:
        raise Http404("This export is not ready, or no longer kept: ask for a new one.")
    return answer
