"""Event mode: a call opened to the audience of a live show.

A leader switches it on; the call's short link (`/e/<code>`) and its QR code (an SVG, to
project on a screen or print) then lead to a phone-sized page where anyone signed in
uploads straight into the call, the call's resources cited for them
(`entry_uploads.upload_entry`). Switched off, the link answers 404 again.
"""

from __future__ import annotations

import io

import segno
from django.conf import settings
from django.db import transaction
from django.urls import reverse

from ensemble.accounts.models import User
from ensemble.core.refusals import Refused
from ensemble.projects import services
from ensemble.projects.models import Call


def set_event_mode(call: Call, *, by: User, on: bool) -> Call:
    """Switch event mode on or off. Only for an open call of a project everyone can see:
    a draft project's call would let the audience into something private."""
    services.require_leader(by, call.project, what="switch event mode")
    if on:
        assert call.project is not None  # require_leader refuses calls without a project
        if not call.project.is_visible_to_everyone:
            raise Refused(
                "Open the project before switching on event mode: the audience must be "
                "able to see the call.",
                status=409,
                code="project_not_open",
            )
        if not call.accepts_entries:
            raise Refused(
                "The call does not take entries any more, so event mode cannot be switched on.",
                status=409,
                code="call_closed",
            )
    with transaction.atomic():
        Call.objects.filter(pk=call.pk).update(event_mode=on)
    call.event_mode = on
    return call


def event_path(call: Call) -> str:
    return reverse("projects:event", args=[call.event_code])


def event_url(call: Call) -> str:
    """The short link as the audience types it: the site's address and the code."""
    return settings.SITE_URL.rstrip("/") + event_path(call)


def qr_svg(call: Call) -> bytes:
    """The short link as a QR code, a standalone SVG document: black on white whatever
    the theme, the quiet zone kept, ten pixels a module (it scales cleanly as an image).
    Medium error correction survives a projector's glare."""
    code = segno.make(event_url(call), error="m", micro=False)
    out = io.BytesIO()
    code.save(
        out,
        kind="svg",
        scale=10,
        dark="#000",
        light="#fff",
        xmldecl=False,
        title=f"QR code for {event_url(call)}",
        svgclass=None,
        lineclass=None,
    )
    return out.getvalue()
