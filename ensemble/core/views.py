"""Site-wide pages: health and readiness checks, public media and the error pages (HTML,
or JSON under /api/)."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.static import serve

from ensemble.core import readiness


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers and monitors; also the framework floor in bench/."""
    return HttpResponse("ok", content_type="text/plain")


@require_safe
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """200 when the database, the cache, the storage folders and the task queue all
    answer, else 503; each check's result in the body (`core.readiness`)."""
    ready, checks = readiness.report()
    return JsonResponse({"ready": ready, "checks": checks}, status=200 if ready else 503)


def public_media(request: HttpRequest, path: str) -> HttpResponseBase:
    """Public uploads (avatars), read from MEDIA_ROOT as it is now, not at import time.

    Private media (drafts, sealed entries) must never come through here: it will be
    served through signed URLs by the records app.
    """
    return serve(request, path, document_root=str(settings.MEDIA_ROOT))


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
