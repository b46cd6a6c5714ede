"""Every answer under /api/ is JSON in one shape, whatever went wrong; the docs are local."""

import logging
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from ninja.testing import TestClient

from ensemble.core.api import ApiError, EnsembleAPI
from ensemble.core.pagination import BadCursor
from ensemble.core.ratelimit import RateLimited

# A separate API with the same error handling and views that fail on purpose.
failing_api = EnsembleAPI(urls_namespace="failing-api-test")


@failing_api.get("/crash")
def crash(request):
    raise RuntimeError("the disk is on fire")


@failing_api.get("/denied")
def denied(request):
    raise PermissionDenied


@failing_api.get("/missing")
def missing(request):
    raise Http404("secret detail")


@failing_api.get("/conflict")
def conflict(request):
    raise ApiError(409, "That name is already used.")


@failing_api.get("/teapot")
def teapot(request):
    raise ApiError(418, "I am a teapot.", "teapot")


@failing_api.get("/invalid")
def invalid(request):
    raise DjangoValidationError({"__all__": ["Dates overlap."], "title": ["Too long."]})


@failing_api.get("/throttled")
def throttled(request):
    raise RateLimited("test", retry_after=90)


@failing_api.get("/cursor")
def cursor(request):
    raise BadCursor("This cursor is not valid.")


@failing_api.get("/items")
def items(request, limit: int = 10):
    return {"limit": limit}


def assert_shape(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code
    assert isinstance(body["detail"], str)
    assert body["detail"]
    assert set(body) <= {"detail", "code", "errors"}
    return body


@pytest.fixture
def failing():
    return TestClient(failing_api)


# Our own routes


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/api/v1/nope", "/api/v1/me/", "/api/v1/", "/api/whatever", "/api/", "/api/v2/me"]
)
def test_unknown_api_routes_are_a_404_json(client, path):
    response = client.get(path)

    assert response["Content-Type"].startswith("application/json")
    assert_shape(response, 404, "not_found")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("delete", "/api/v1/me", {"GET", "PATCH"}),
        ("put", "/api/v1/me", {"GET", "PATCH"}),
        ("get", "/api/v1/auth/signup", {"POST"}),
        ("get", "/api/v1/notifications/read", {"POST"}),
    ],
)
def test_wrong_method_is_a_405_json_listing_the_allowed_ones(client, method, path, allowed):
    response = getattr(client, method)(path)

    assert response["Content-Type"].startswith("application/json")
    body = assert_shape(response, 405, "method_not_allowed")
    assert set(response["Allow"].split(", ")) == allowed
    assert method.upper() in body["detail"]


@pytest.mark.django_db
def test_missing_credentials_answer_the_error_shape(client):
    response = client.get("/api/v1/notifications")

    assert_shape(response, 401, "not_authenticated")


@pytest.mark.django_db
def test_malformed_json_is_a_400_with_its_own_code(client):
    response = client.post("/api/v1/auth/tokens", "{nope", content_type="application/json")

    assert_shape(response, 400, "malformed_json")


@pytest.mark.django_db
def test_field_errors_name_the_fields_as_the_client_sent_them(client):
    response = client.post(
        "/api/v1/auth/signup",
        {"username": 7, "email": "a@b.example"},
        content_type="application/json",
    )

    body = assert_shape(response, 422, "invalid")
    assert body["errors"] == [
        {"field": "username", "message": "Input should be a valid string"},
        {"field": "password", "message": "Field required"},
    ]
    assert body["detail"] == "username: Input should be a valid string"


@pytest.mark.django_db
def test_query_parameter_errors_name_the_parameter(alice_client):
    response = alice_client.get("/api/v1/notifications?limit=many")

    body = assert_shape(response, 422, "invalid")
    assert [e["field"] for e in body["errors"]] == ["limit"]


# The handlers, through views that fail on purpose


def test_unexpected_exception_is_a_500_json_and_is_logged(failing, caplog):
    with caplog.at_level(logging.ERROR, logger="ensemble.core.api"):
        response = failing.get("/crash")

    body = assert_shape(response, 500, "server_error")
    assert "fire" not in body["detail"]  # internals stay in the log
    assert "the disk is on fire" in caplog.text
    assert "GET /crash" in caplog.text


def test_permission_denied_is_a_403_json(failing):
    assert_shape(failing.get("/denied"), 403, "forbidden")


def test_http404_is_a_404_json_without_the_internal_message(failing):
    body = assert_shape(failing.get("/missing"), 404, "not_found")

    assert "secret" not in body["detail"]


def test_api_error_without_a_code_gets_the_default_for_its_status(failing):
    body = assert_shape(failing.get("/conflict"), 409, "conflict")

    assert body["detail"] == "That name is already used."


def test_api_error_keeps_its_own_code(failing):
    assert_shape(failing.get("/teapot"), 418, "teapot")


def test_django_validation_error_is_a_422_with_field_errors(failing):
    body = assert_shape(failing.get("/invalid"), 422, "invalid")

    assert body["errors"] == [
        {"field": None, "message": "Dates overlap."},
        {"field": "title", "message": "Too long."},
    ]


def test_rate_limit_is_a_429_with_retry_after(failing):
    response = failing.get("/throttled")

    assert_shape(response, 429, "rate_limited")
    assert response["Retry-After"] == "90"
    assert "2 minutes" in response.json()["detail"]


def test_bad_cursor_is_a_400_with_its_own_code(failing):
    assert_shape(failing.get("/cursor"), 400, "bad_cursor")


def test_working_view_is_untouched_by_the_error_handling(failing):
    response = failing.get("/items?limit=3")

    assert response.status_code == 200
    assert response.json() == {"limit": 3}


def test_wrong_method_on_another_api_instance_is_json_too(failing):
    response = failing.post("/items")

    assert_shape(response, 405, "method_not_allowed")
    assert response["Allow"] == "GET"


# OpenAPI and the docs page

ENDPOINTS = {
    ("post", "/api/v1/auth/signup"),
    ("post", "/api/v1/auth/tokens"),
    ("get", "/api/v1/me"),
    ("patch", "/api/v1/me"),
    ("get", "/api/v1/users/{username}"),
    ("get", "/api/v1/notifications"),
    ("post", "/api/v1/notifications/read"),
}


@pytest.fixture
def openapi(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_openapi_document_is_version_3_1(openapi):
    assert openapi["openapi"].startswith("3.1.")
    assert openapi["info"]["title"] == "Ensemble API"


def test_openapi_document_lists_every_endpoint(openapi):
    documented = {
        (method, path) for path, operations in openapi["paths"].items() for method in operations
    }

    assert documented >= ENDPOINTS


def test_openapi_documents_error_responses_in_the_error_shape(openapi):
    for path, operations in openapi["paths"].items():
        for method, operation in operations.items():
            errors = {code for code in operation["responses"] if code.startswith(("4", "5"))}
            assert errors, (method, path)
            for code in errors:
                schema = operation["responses"][code]["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ErrorOut"}, (method, path, code)


def test_openapi_documents_which_endpoints_need_no_credentials(openapi):
    public = {
        (method, path)
        for path, operations in openapi["paths"].items()
        for method, operation in operations.items()
        if not operation.get("security")
    }

    assert public == {
        ("post", "/api/v1/auth/signup"),
        ("post", "/api/v1/auth/tokens"),
        ("get", "/api/v1/users/{username}"),
        ("get", "/api/v1/records"),
        ("get", "/api/v1/records/{record_id}"),
        ("get", "/api/v1/records/{record_id}/versions"),
        ("get", "/api/v1/records/{record_id}/sources"),
        ("get", "/api/v1/records/{record_id}/lineage"),
        ("get", "/api/v1/records/{record_id}/used-in"),
        ("get", "/api/v1/records/{record_id}/credits"),
        ("get", "/api/v1/licenses"),
        ("get", "/api/v1/projects"),
        ("get", "/api/v1/projects/{slug}"),
        ("get", "/api/v1/calls"),
        ("get", "/api/v1/calls/{call_id}"),
        ("get", "/api/v1/calls/{call_id}/entries"),
        ("get", "/api/v1/productions/{production_id}/credits"),
        ("get", "/api/v1/projects/{slug}/updates"),
        ("get", "/api/v1/projects/{slug}/resources"),
        ("get", "/api/v1/pools/{pool_id}"),
        ("get", "/api/v1/proposals/{proposal_id}"),
        ("get", "/api/v1/proposals/{proposal_id}/lines"),
        ("get", "/api/v1/proposals/{proposal_id}/compare"),
        ("get", "/api/v1/proposals/{proposal_id}/comments"),
        ("get", "/api/v1/users/{username}/followers"),
        ("get", "/api/v1/users/{username}/following"),
        ("get", "/api/v1/users/{username}/lists"),
        ("get", "/api/v1/records/{record_id}/comments"),
        ("get", "/api/v1/projects/{slug}/comments"),
        ("get", "/api/v1/calls/{call_id}/comments"),
        ("get", "/api/v1/lists/{list_id}"),
        ("get", "/api/v1/search"),
        ("get", "/api/v1/records/{record_id}/suggested-calls"),
        ("get", "/api/v1/trending"),
    }


@pytest.mark.django_db
def test_docs_page_loads_only_local_files(client):
    response = client.get("/api/v1/docs")

    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r"https?://", html) is None, "the docs must work offline"
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(a.endswith(".js") for a in assets)
    for asset in assets:
        assert asset.startswith("/static/"), asset
        served = client.get(asset)
        assert served.status_code == 200, asset
        served.close()


@pytest.mark.django_db
def test_docs_page_points_at_our_openapi_document(client):
    html = client.get("/api/v1/docs").content.decode()

    assert '"url": "/api/v1/openapi.json"' in html
