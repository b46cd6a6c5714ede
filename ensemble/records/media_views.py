"""Serving record media: only through signed links, only to people who may see it."""

from __future__ import annotations

from pathlib import PurePosixPath

from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.views.decorators.http import require_safe

from ensemble.accounts import http
from ensemble.core import filestore
from ensemble.core.ranged import content_disposition, ranged_file_response
from ensemble.records import access, storage
from ensemble.records.intake import served_name
from ensemble.records.links import read_token
from ensemble.records.models import Rendition, Version

# Media is data, never a document: even if a browser were tricked into rendering a file
# as HTML, this stops scripts, forms and plugins from running.
SANDBOX = "sandbox; default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'"


@require_safe
def serve(request: HttpRequest, token: str, name: str) -> HttpResponseBase:
    """One original or rendition, with range requests for seeking; 404 for anything else.

    The same 404 answers a bad token, an expired one, a draft the requester may not see,
    a deleted record and a file that does not exist: none of them says which.
    """
    wanted = read_token(token)
    by = {"folder": wanted.version} if isinstance(wanted.version, str) else {"pk": wanted.version}
    version = (
        Version.objects.select_related("record")
        .prefetch_related("renditions", "record__cocreators")
        .filter(**by)
        .first()
    )
    if version is None or version.purged_at is not None:
        raise Http404
    record = version.record
    viewer = http.viewer(request)  # API clients send their token
    if not access.can_view(viewer, record):
        raise Http404
    creator = access.is_creator(viewer, record)
    if not creator and version.pk != record.current_version_id:
        raise Http404  # earlier versions are for their creators
    role = wanted.role
    rendition: Rendition | None = None
    if role == "original" and not creator:
        # Others never get the original when a copy without location data exists.
        rendition = version.rendition("download")
    elif role != "original":
        rendition = version.rendition(role)
        if rendition is None:
            raise Http404
    if rendition is not None:
        file, content_type = rendition.file, rendition.content_type
    else:
        file, content_type = version.original_file, version.mime
    if role in ("original", "download"):
        name = served_name(version.original_name, version.extension)
    else:
        name = f"{role}{PurePosixPath(file).suffix}"
    inline_ok = role not in ("original", "download") or (
        record.kind in ("image", "audio", "video") and version.metadata.get("plays_in_browser")
    )
    attachment = wanted.attachment or not inline_ok
    # "original" answers creators and others differently: never let a shared cache keep it.
    shared = record.is_public and role != "original"
    # An hour, so that a deleted record's media leaves shared caches soon after.
    cache_control = "public, max-age=3600" if shared else "private, max-age=3600"
    stored = storage.file_name(version.folder, file)
    if not filestore.records.is_local:
        return _redirect_to_store(stored, content_type, name, attachment, cache_control)
    response = ranged_file_response(
        request,
        filestore.records.local_path(stored),
        content_type=content_type,
        download_name=name if attachment else None,
        inline_name=None if attachment else name,
        cache_control=cache_control,
    )
    response["Content-Security-Policy"] = SANDBOX
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


def _redirect_to_store(
    stored: str, content_type: str, name: str, attachment: bool, cache_control: str
) -> HttpResponseRedirect:
    """Files in a bucket: access was checked above; the store serves the bytes (ranges
    included) through a link signed for MEDIA_LINK_SECONDS, with our type, name and
    cache rule. The redirect itself is this viewer's, and not kept."""
    link = filestore.records.signed_link(
        stored,
        content_type=content_type,
        disposition=content_disposition("attachment" if attachment else "inline", name),
        cache_control=cache_control,
    )
    response = HttpResponseRedirect(link)
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
