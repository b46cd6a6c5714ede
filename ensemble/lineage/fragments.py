"""Lineage's part of the pages `front` composes: the context its fragment templates need,
and citing what the upload form named.

The record page includes `lineage/_byline.html` (the credit line under the title),
`lineage/_panel.html` (sources, "used in", the cite form) and `lineage/_remix_button.html`
with `record_context`; the upload and write pages include `lineage/_upload_sources.html`
("built on other work?") with `remix_offer`, then call `cite_from_upload`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest

from ensemble.accounts.http import member
from ensemble.core.params import whole
from ensemble.core.refusals import Refused
from ensemble.lineage import licences, present, services
from ensemble.lineage.forms import CiteForm
from ensemble.lineage.models import Source
from ensemble.records import access
from ensemble.records.models import Record
from ensemble.records.models.record import record_number


def record_context(record: Record, viewer: Any) -> dict[str, Any]:
    """What the record page's lineage fragments show this viewer."""
    sources = present.sources_summary(record, viewer)
    return {
        "sources": sources,
        "used_in": present.used_in_summary(record, viewer),
        "line": present.credit_line(record, sources, viewer),
        "cite_form": CiteForm(),
    }


def _remixed(request: HttpRequest) -> Record | None:
    raw = request.GET.get("remix_of") or request.POST.get("remix_of") or ""
    record_id = whole(raw)
    if record_id is None:
        return None
    record = Record.objects.select_related("owner").filter(pk=record_id).first()
    if record is None or record.is_deleted or not access.can_view(request.user, record):
        return None
    return record


def remix_offer(request: HttpRequest) -> tuple[dict[str, Any], str]:
    """The "built on other work?" fields' context, and the licence to propose ("" for
    none). With `?remix_of=N` ("Remix this"), that work is cited in advance and the
    licence proposed is one its ancestry allows."""
    remix = _remixed(request)
    context: dict[str, Any] = {"remix": remix}
    proposal = ""
    if remix is not None:
        allowed = licences.allowed_licences(
            services.ancestry_for_licence(remix), owner_id=int(request.user.pk or 0)
        )
        if not allowed:
            context["inspiration_only"] = True
            context["licence_note"] = (
                f"“{remix.title}” is {remix.get_licence_display()}: its material may not be "
                "used in other works, but your work may still be inspired by it."
            )
        else:
            proposal = remix.licence if remix.licence in allowed else allowed[0]
            if len(allowed) < len(licences.TERMS):
                context["licence_note"] = (
                    "Its licence allows a remix under "
                    + ", ".join(licences.label(a) for a in allowed)
                    + f"; {licences.label(proposal)} is chosen for you."
                )
    return context, proposal


def cite_from_upload(request: HttpRequest, record: Record) -> None:
    """Cite what the upload form named, for the form posted without JavaScript. A refusal
    becomes a message; the record stays a draft its owner can fix."""
    data = request.POST
    source_id = data.get("source_pick") or record_number(data.get("source", "")) or None
    if not source_id:
        return
    source = Record.objects.select_related("owner").filter(pk=source_id).first()
    try:
        if source is None:
            raise Refused("There is no record with that number.", status=404)
        services.add_source(
            record,
            source,
            by=member(request),
            kind=data.get("source_kind") or Source.Kind.USES,
            note=data.get("source_note", ""),
            part=data.get("source_part", ""),
        )
    except Refused as error:
        messages.error(request, f"The record was saved, but its source was not: {error.message}")
