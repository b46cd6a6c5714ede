"""Site-wide pages: health and readiness checks, public media and the error pages (HTML,
or JSON under /api/)."""

import mimetypes

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.static import serve

from ensemble.core import filestore, readiness


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers and monitors; also the framework floor in bench/."""
    return HttpResponse("ok", content_type="text/plain")


@require_safe
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """200 when the database, the cache, the file storage and the task queue all
    answer, else 503; each check's result in the body (`core.readiness`)."""
    ready, checks = readiness.report()
    return JsonResponse({"ready": ready, "checks": checks}, status=200 if ready else 503)


def public_media(request: HttpRequest, path: str) -> HttpResponseBase:
    """Public uploads (avatars): read from MEDIA_ROOT as it is now, not at import time;
    or, in a bucket, a redirect to a fresh link the store answers (pages keep the stable
    /media/ address, which a link signed into a cached page would outlive).

    Private media (drafts, sealed entries) never comes through here: the records app
    serves it through its own signed URLs.
    """
    if filestore.media.is_local:
        return serve(request, path, document_root=str(settings.MEDIA_ROOT))
    # The URL pattern allows avatars only; checked again, since a link is signed for
    # whatever name gets this far. A missing file is a 404 here, as with local files: the
    # store is asked once per link, which is then reused (filestore.Area.signed_link).
    if not path.startswith("avatars/"):
        raise Http404("Not a public file.")
    content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
    try:
        link = filestore.media.signed_link(
            path,
            content_type=content_type,
            disposition="inline",
            cache_control="public, max-age=3600",
            must_exist=True,
        )
    except ValueError:  # `..` and the like: a name that climbs out of the area
        raise Http404("Not a public file.") from None
    except filestore.FileMissing:
        raise Http404("No such file.") from None
    answer = HttpResponseRedirect(link)
    # Each link is signed anew; a browser reuses one for a minute, well within its life.
    answer["Cache-Control"] = "private, max-age=60"
    return answer


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def api_not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    """Unknown routes under /api/ answer in the API's error shape, DEBUG or not."""
    return JsonResponse({"detail": "No such API endpoint.", "code": "not_found"}, status=404)


def error_400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"detail": "Bad request.", "code": "bad_request"}, status=400)
    return render(request, "400.html", status=400)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"detail": "Permission denied.", "code": "forbidden"}, status=403)
    return render(request, "403.html", status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _wants_json(request):
        return api_not_found(request)
    return render(request, "404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse(
            {"detail": "Something went wrong on our side.", "code": "server_error"}, status=500
        )
    # No context processors: they might be what failed.
    return HttpResponse(loader.get_template("500.html").render(), status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    if _wants_json(request):
        return JsonResponse(
            {"detail": "CSRF check failed; send the X-CSRFToken header.", "code": "csrf_failed"},
            status=403,
        )
    return render(request, "403_csrf.html", status=403)
