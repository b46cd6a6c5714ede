"""Plumbing every app's API router shares: one error shape, typed errors, pagination.

Services raise `core.refusals.Refused`; it answers with its own status and code.
Every error under /api/ is JSON `{"detail": "…", "code": "…"}` (plus `errors` for
field-level problems), whatever raised it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.http.multipartparser import MultiPartParserError
from django.urls import URLPattern, URLResolver
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from ensemble.core.pagination import BadCursor
from ensemble.core.ratelimit import RateLimited
from ensemble.core.refusals import Refused

logger = logging.getLogger(__name__)

DEFAULT_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid",
    429: "rate_limited",
}


class ApiError(HttpError):
    """An error with a stable machine-readable code for API clients."""

    def __init__(self, status: int, detail: str, code: str | None = None) -> None:
        super().__init__(status, detail)
        self.code = code or DEFAULT_CODES.get(status, "error")


class ErrorOut(Schema):
    detail: str
    code: str


def _field_errors_from_django(error: DjangoValidationError) -> tuple[str, list[dict[str, Any]]]:
    if hasattr(error, "error_dict"):
        errors: list[dict[str, Any]] = [
            {"field": None if field == NON_FIELD_ERRORS else field, "message": str(message)}
            for field, messages in error.message_dict.items()
            for message in messages
        ]
    else:
        errors = [{"field": None, "message": str(m)} for m in error.messages]
    detail = str(errors[0]["message"]) if errors else "Invalid input."
    return detail, errors


def _field_error(error: dict[str, Any]) -> dict[str, Any]:
    """One pydantic error as `{"field": "links.2", "message": …}`, named as the client sent it.

    Ninja's locations start with where the value came from and, for a body schema, the
    view's parameter name, which means nothing to the client (and differs from the names
    form errors use): `("body", "payload", "links", 2)`.
    """
    loc = list(error.get("loc", ()))
    message = error.get("msg", "Invalid value.")
    if loc and loc[0] == "body":
        if len(loc) <= 2:  # the body itself is missing or not an object
            return {"field": None, "message": "Send a JSON object as the request body."}
        loc = loc[2:]
    else:
        loc = loc[1:]
    return {"field": ".".join(str(p) for p in loc) or None, "message": message}


def install_error_handlers(api: NinjaAPI) -> None:
    def respond(request: HttpRequest, status: int, detail: str, code: str, **extra: Any) -> Any:
        return api.create_response(
            request, {"detail": detail, "code": code, **extra}, status=status
        )

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        message = str(exc)
        if message.startswith("Cannot parse request body"):
            return respond(request, 400, "The request body is not valid JSON.", "malformed_json")
        if message.startswith("CSRF check"):
            return respond(
                request, 403, "CSRF check failed; send the X-CSRFToken header.", "csrf_failed"
            )
        if isinstance(exc, AuthenticationError):
            return respond(
                request,
                401,
                "Authentication required: send `Authorization: Bearer <token>` or sign in.",
                "not_authenticated",
            )
        code = str(getattr(exc, "code", None) or DEFAULT_CODES.get(exc.status_code, "error"))
        return respond(request, exc.status_code, message, code)

    @api.exception_handler(Refused)
    def refused(request: HttpRequest, exc: Refused) -> HttpResponse:
        extra = {"errors": [{"field": exc.field, "message": exc.message}]} if exc.field else {}
        return respond(request, exc.status, exc.message, exc.code, **extra)

    @api.exception_handler(MultiPartParserError)
    def malformed_upload(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
        return respond(request, 400, f"The upload could not be read: {exc}", "bad_request")

    @api.exception_handler(SuspiciousOperation)
    def suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
        # Too many files or fields, oversized bodies: Django answers pages with a 400 too.
        return respond(request, 400, f"The request was refused: {exc}", "bad_request")

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = [_field_error(e) for e in exc.errors]
        first = errors[0] if errors else {"field": None, "message": "Invalid input."}
        message = str(first["message"])
        detail = f"{first['field']}: {message}" if first["field"] else message
        return respond(request, 422, detail, "invalid", errors=errors)

    @api.exception_handler(DjangoValidationError)
    def django_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        detail, errors = _field_errors_from_django(exc)
        return respond(request, 422, detail, "invalid", errors=errors)

    @api.exception_handler(RateLimited)
    def rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
        response = respond(request, 429, str(exc), "rate_limited")
        response["Retry-After"] = str(exc.retry_after)
        return response

    @api.exception_handler(BadCursor)
    def bad_cursor(request: HttpRequest, exc: BadCursor) -> HttpResponse:
        return respond(request, 400, str(exc), "bad_cursor")

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return respond(request, 404, "Not found.", "not_found")

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return respond(request, 403, str(exc) or "Permission denied.", "forbidden")

    @api.exception_handler(Exception)
    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("API error on %s %s", request.method, request.path, exc_info=exc)
        return respond(request, 500, "Something went wrong on our side.", "server_error")


class EnsembleAPI(NinjaAPI):
    """A NinjaAPI whose every answer, errors included, is JSON in our one shape.

    Installs the error handlers above, and turns ninja's plain-text 405 (answered before
    any handler runs) into JSON that still carries the `Allow` header.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        install_error_handlers(self)

    @property
    def urls(self) -> tuple[list[URLResolver | URLPattern], str, str]:
        patterns, app_name, namespace = super().urls
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                pattern.callback = self._json_method_not_allowed(pattern.callback)
        return patterns, app_name, namespace

    def _json_method_not_allowed(self, view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)  # keeps csrf_exempt: ninja checks CSRF itself, per auth method
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            response: HttpResponseBase = view(request, *args, **kwargs)
            if response.status_code != 405 or "application/json" in response.get(
                "Content-Type", ""
            ):
                return response
            allowed = response.get("Allow", "")
            json_response = self.create_response(
                request,
                {
                    "detail": f"{request.method} is not allowed here; use {allowed}.",
                    "code": "method_not_allowed",
                },
                status=405,
            )
            json_response["Allow"] = allowed
            return json_response

        return wrapper
