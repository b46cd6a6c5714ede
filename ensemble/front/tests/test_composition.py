"""The front layer keeps the URLs, names and API operation the pages and list always had."""

from __future__ import annotations

import pytest
from django.urls import resolve, reverse

from ensemble.api import api
from ensemble.front import views
from ensemble.records.testing import make_record


def test_the_pages_keep_their_records_names_and_paths():
    assert reverse("records:browse") == "/records/"
    assert reverse("records:new") == "/records/new"
    assert reverse("records:write") == "/records/write"
    assert reverse("records:detail", args=[7]) == "/records/7"
    assert resolve("/records/7").func is views.detail
    assert reverse("records:edit", args=[7]) == "/records/7/edit"  # records' own, same names
    assert reverse("records:mine") == "/records/mine"


def test_the_records_list_keeps_its_operation_id_and_shares_its_path_with_upload():
    assert reverse("api:list_records") == reverse("api:create_record") == "/api/v1/records"
    operations = api.get_openapi_schema()["paths"]["/api/v1/records"]
    assert operations["get"]["operationId"] == "ensemble_records_api_list_records"
    assert operations["post"]["operationId"] == "ensemble_records_api_create_record"


@pytest.mark.django_db
def test_one_path_served_by_two_routers_answers_each_method_and_405_lists_both(client, alice):
    make_record(alice, text="A line.", title="Listed", publish=True)
    listed = client.get("/api/v1/records")
    assert listed.status_code == 200
    assert [r["title"] for r in listed.json()["items"]] == ["Listed"]
    assert client.post("/api/v1/records").status_code == 401  # records' upload, signed out
    refused = client.put("/api/v1/records")
    assert refused.status_code == 405
    assert refused.json()["code"] == "method_not_allowed"
    assert set(refused["Allow"].split(", ")) == {"GET", "POST"}
