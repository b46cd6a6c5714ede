"""Plumbing every app's API router shares: one error shape, typed errors, pagination.

Services raise `core.refusals.Refused`; it answers with its own status and code.
Every error under /api/ is JSON `{"detail": "…", "code": "…"}` (plus `errors` for
field-level problems), whatever raised it.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.http.multipartparser import MultiPartParserError
from django.urls import URLPattern, URLResolver
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import PathView
from ninja.utils import normalize_path, replace_path_param_notation
from pydantic import WithJsonSchema

from ensemble.core.json_bodies import NOT_AN_OBJECT, BodyNotAnObject, ObjectBodyParser
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


# What every operation may answer besides its own successes, whatever its router: routers
# add theirs from the sets below. Each status's `code`s are documented below.
ERRORS: dict[int, type] = {s: ErrorOut for s in (400, 401, 403, 404, 409, 413, 422, 429)}
# Routers over things that can be removed (records, comments, projects, pools) also answer
# 410, and the records router, which takes files, 415.
ERRORS_OR_GONE: dict[int, type] = {**ERRORS, 410: ErrorOut}
FILE_ERRORS: dict[int, type] = {**ERRORS_OR_GONE, 415: ErrorOut}

ERROR_DESCRIPTIONS = {
    400: "`malformed_json` (the body is not JSON), `bad_cursor` (a cursor this list did not "
    "hand out) or `bad_request` (an upload or request that could not be read).",
    401: "`not_authenticated` (send `Authorization: Bearer <token>`, or sign in) or "
    "`bad_credentials` (a wrong password when asking for a token).",
    403: "`csrf_failed` (a signed-in browser request without the `X-CSRFToken` header), "
    "`forbidden` (you may not do this) or a more precise code.",
    404: "`not_found`: it does not exist, or you may not see it.",
    409: "`conflict` and more precise codes: the request clashes with the current state.",
    410: "`gone`: it was removed.",
    413: "`too_large`: the request or its file is larger than accepted.",
    415: "`unsupported_file`: a file of a kind we do not take.",
    422: "`invalid` and more precise codes; `errors` lists each field's problem.",
    429: "`rate_limited`: too many requests; try again after `Retry-After` seconds.",
}


def choices_schema(choices: type[models.Choices], name: str) -> WithJsonSchema:
    """Describe a model's nested choices inline, titled with a name unique in the API.

    Nested choices share short names (`Record.Kind`, `Pool.Kind`, `Source.Kind`), pydantic
    names a component after the class's own name and ninja pours every operation's
    components into one dict, so the last `Kind` would describe them all. Inline, a choice
    needs no component; validation still yields the model's own member. Use it as
    `RecordKind = Annotated[Record.Kind, choices_schema(Record.Kind, "RecordKind")]`.
    """
    values = [str(value) for value in choices.values]
    return WithJsonSchema({"title": name, "type": "string", "enum": values})


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
        if isinstance(exc.__cause__, BodyNotAnObject):
            # JSON, but no object: answered as the schemas answer a missing body
            error = {"field": None, "message": NOT_AN_OBJECT}
            return respond(request, 422, NOT_AN_OBJECT, "invalid", errors=[error])
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


RETRY_AFTER = {
    "description": "Seconds until the limit lets this request through again.",
    "required": True,
    "schema": {"type": "integer", "minimum": 1},
}


class EnsembleAPI(NinjaAPI):
    """A NinjaAPI whose every answer, errors included, is JSON in our one shape.

    Installs the error handlers above, and turns ninja's plain-text 405 (answered before
    any handler runs) into JSON that still carries the `Allow` header.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("parser", ObjectBodyParser())  # bodies are JSON objects, or a 422
        super().__init__(**kwargs)
        install_error_handlers(self)
        self._openapi_documents: dict[str, OpenAPISchema] = {}

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        """The description, built once per prefix: building it takes ninja a quarter of a
        second of CPU, and anyone may ask for /api/v1/openapi.json. Routes never change
        once the URLs are loaded. Each caller gets its own copy to change as it likes."""
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        if path_prefix not in self._openapi_documents:
            self._openapi_documents[path_prefix] = self.build_openapi_schema(path_prefix)
        # The memo keeps the copy pointing at this API rather than at a copy of it.
        return copy.deepcopy(self._openapi_documents[path_prefix], {id(self): self})

    def build_openapi_schema(self, path_prefix: str) -> OpenAPISchema:
        """Ninja's description, with what each error status means and 429's `Retry-After`."""
        schema = super().get_openapi_schema(path_prefix=path_prefix)
        for operations in schema["paths"].values():
            for operation in operations.values():
                for status, response in operation["responses"].items():
                    if status in ERROR_DESCRIPTIONS:
                        response["description"] = ERROR_DESCRIPTIONS[status]
                    if status == 429:
                        response["headers"] = {"Retry-After": RETRY_AFTER}
        return schema

    @property
    def urls(self) -> tuple[list[URLResolver | URLPattern], str, str]:
        patterns, app_name, namespace = super().urls
        shared = self._shared_paths()
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                if (path_view := shared.get(str(pattern.pattern))) is not None:
                    pattern.callback = path_view.get_view()
                pattern.callback = self._json_method_not_allowed(pattern.callback)
        return patterns, app_name, namespace

    def _shared_paths(self) -> dict[str, PathView]:
        """One view for each path that several routers serve, by URL route.

        Ninja makes one URL pattern per router and path, and Django takes the first that
        matches: `GET /records` (front's router) would reach the view of `POST /records`
        (records' router), which answers 405. The OpenAPI schema already merges them.
        """
        by_route: dict[str, list[PathView]] = {}
        for bound in self._get_bound_routers():
            prefix = replace_path_param_notation(bound.prefix)
            for path, path_view in bound.path_operations.items():
                joined = "/".join(p for p in (prefix, replace_path_param_notation(path)) if p)
                by_route.setdefault(normalize_path(joined).lstrip("/"), []).append(path_view)
        shared = {}
        for route, views in by_route.items():
            if len(views) > 1:
                merged = PathView()
                merged.operations = [op for view in views for op in view.operations]
                merged.is_async = any(view.is_async for view in views)
                shared[route] = merged
        return shared

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
