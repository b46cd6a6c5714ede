"""The records API: upload → process → ready, lists, edits, versions.

Who may write, and refused uploads (which leave nothing behind), are in
test_api_writes.py.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ensemble.accounts.tests.api_helpers import assert_error, field_names
from ensemble.records.models import Record, StorageUsage, Version
from ensemble.records.testing import assert_kept_apart, make_record
from ensemble.records.tests.api_support import (
    POEM,
    RECORDS,
    fetch,
    png_file,
    url,
)
from ensemble.records.tests.helpers import stored_files

# Creating: file or text, processing state, media


@pytest.mark.django_db
def test_uploaded_image_is_a_draft_waiting_to_be_processed(client, auth, alice):
    response = client.post(
        RECORDS,
        {
            "file": png_file(),
            "title": "Red square",
            "description": "A *very* red square.",
            "tags": "Red, squares , red",
            "licence": "cc-by-4.0",
        },
        headers=auth["alice"],
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "image"
    assert body["title"] == "Red square"
    assert "<em>very</em>" in body["description_html"]
    assert body["tags"] == ["red", "squares"]
    assert body["licence"] == "cc-by-4.0"
    assert body["visibility"] == "draft"
    assert body["owner"]["username"] == "alice"
    assert body["latest_version"]["state"] == "uploaded"
    assert body["latest_version"]["number"] == 1
    assert body["current_version"] is None
    assert body["media"]["thumb"] is None
    assert Record.objects.get(pk=body["id"]).owner == alice


@pytest.mark.django_db
def test_uploaded_image_is_ready_with_media_urls_after_processing(client, auth, tasks):
    record_id = client.post(RECORDS, {"file": png_file()}, headers=auth["alice"]).json()["id"]

    tasks()
    response = client.get(url(record_id), headers=auth["alice"])

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["latest_version"]["state"] == "ready"
    assert body["current_version"]["number"] == 1
    media = body["media"]
    assert media["thumb"]
    assert media["image"]
    assert media["download"]


@pytest.mark.django_db
def test_media_urls_serve_the_files_with_their_types_and_nosniff(client, auth, tasks):
    record_id = client.post(RECORDS, {"file": png_file()}, headers=auth["alice"]).json()["id"]
    tasks()
    media = client.get(url(record_id), headers=auth["alice"]).json()["media"]

    for role, content_type in (
        ("thumb", "image/webp"),
        ("image", "image/webp"),
        ("download", "image/png"),
    ):
        response = fetch(client, media[role], auth["alice"])
        assert response.status_code == 200, role
        assert response["Content-Type"].startswith(content_type), role
        assert_kept_apart(response)
    download = fetch(client, media["download"], auth["alice"])
    assert download["Content-Disposition"].startswith("attachment")


@pytest.mark.django_db
def test_title_comes_from_the_file_name_when_not_given(client, auth):
    response = client.post(RECORDS, {"file": png_file("sea_at_dawn.png")}, headers=auth["alice"])

    assert response.status_code == 201
    assert response.json()["title"] == "sea at dawn"


@pytest.mark.django_db
def test_text_becomes_a_text_record_rendered_after_processing(client, auth, tasks):
    response = client.post(RECORDS, {"title": "Tide", "text": POEM}, headers=auth["alice"])

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "text"
    assert body["latest_version"]["state"] == "uploaded"
    tasks()
    body = client.get(url(body["id"]), headers=auth["alice"]).json()
    assert body["latest_version"]["state"] == "ready"
    assert body["media"]["download"]


@pytest.mark.django_db
def test_list_costs_the_same_queries_for_3_and_12_records(client, alice, bob):
    def queries_for_list() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(RECORDS)
        assert response.status_code == 200
        return len(response.json()["items"]), len(captured)

    for n in range(3):
        make_record(alice if n % 2 else bob, title=f"R{n}", tags="a, b", publish=True)
    few_items, few = queries_for_list()
    for n in range(3, 12):
        make_record(alice if n % 2 else bob, title=f"R{n}", tags="a, b", publish=True)
    many_items, many = queries_for_list()

    assert (few_items, many_items) == (3, 12)
    assert many == few


# Reading one record


@pytest.mark.django_db
def test_draft_is_404_for_anonymous_and_outsiders(client, auth, alice):
    draft = make_record(alice)

    assert_error(client.get(url(draft)), 404, "not_found")
    assert_error(client.get(url(draft), headers=auth["carol"]), 404, "not_found")
    assert client.get(url(draft), headers=auth["alice"]).status_code == 200


@pytest.mark.django_db
def test_draft_media_is_404_for_outsiders(client, auth, alice):
    draft = make_record(alice)
    media = client.get(url(draft), headers=auth["alice"]).json()["media"]

    for role in ("thumb", "image", "download"):
        assert fetch(Client(), media[role]).status_code == 404
        assert fetch(Client(), media[role], auth["carol"]).status_code == 404
        assert fetch(Client(), media[role], auth["alice"]).status_code == 200


@pytest.mark.django_db
def test_unknown_record_is_404(client):
    assert_error(client.get(url(999_999)), 404, "not_found")


# Editing


@pytest.mark.django_db
def test_patch_changes_only_the_fields_sent(client, auth, alice):
    record = make_record(alice, title="Old", description="Kept.", tags="one")

    response = client.patch(
        url(record),
        {"title": "New", "tags": ["Two", "three"], "licence": "cc-by-sa-4.0"},
        content_type="application/json",
        headers=auth["alice"],
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["title"] == "New"
    assert body["tags"] == ["three", "two"]
    assert body["licence"] == "cc-by-sa-4.0"
    assert body["description"] == "Kept."
    record.refresh_from_db()
    assert (record.title, record.licence) == ("New", "cc-by-sa-4.0")


@pytest.mark.django_db
def test_patch_with_a_too_long_title_is_refused_with_the_field_named(client, auth, alice):
    record = make_record(alice, title="Old")

    response = client.patch(
        url(record), {"title": "x" * 201}, content_type="application/json", headers=auth["alice"]
    )

    body = assert_error(response, 422, "invalid")
    assert "200" in body["detail"]
    assert "title" in field_names(body)
    record.refresh_from_db()
    assert record.title == "Old"


@pytest.mark.django_db
def test_patch_with_an_unknown_licence_is_refused(client, auth, alice):
    record = make_record(alice, licence="cc0-1.0")

    response = client.patch(
        url(record), {"licence": "wtfpl"}, content_type="application/json", headers=auth["alice"]
    )

    body = assert_error(response, 422, "invalid")
    assert "licence" in field_names(body)
    record.refresh_from_db()
    assert record.licence == "cc0-1.0"


# Deleting


@pytest.mark.django_db
def test_delete_leaves_a_tombstone_without_media_or_description(client, auth, alice):
    record = make_record(alice, title="Gone", description="Words.", tags="sea", publish=True)
    media = client.get(url(record)).json()["media"]
    assert fetch(Client(), media["thumb"]).status_code == 200

    response = client.delete(url(record), headers=auth["alice"])

    assert response.status_code == 204
    body = client.get(url(record)).json()
    assert body["deleted"] is True
    assert body["title"] == "Gone"
    assert body["owner"]["username"] == "alice"
    assert body["description"] == ""
    assert body["description_html"] == ""
    assert body["tags"] == []
    assert all(value is None for value in body["media"].values())
    for role in ("thumb", "image", "download"):
        assert fetch(Client(), media[role]).status_code == 404
        assert fetch(Client(), media[role], auth["alice"]).status_code == 404


@pytest.mark.django_db
def test_delete_removes_the_files_and_frees_the_quota(client, auth, alice, tasks, records_root):
    record = make_record(alice)
    assert stored_files()
    assert StorageUsage.objects.get(user=alice).used_bytes > 0

    client.delete(url(record), headers=auth["alice"])
    tasks()  # runs what waits for the commit

    assert stored_files() == []
    assert StorageUsage.objects.get(user=alice).used_bytes == 0


@pytest.mark.django_db
def test_a_deleted_record_can_no_longer_be_edited(client, auth, alice):
    record = make_record(alice)
    client.delete(url(record), headers=auth["alice"])

    response = client.patch(
        url(record), {"title": "Back"}, content_type="application/json", headers=auth["alice"]
    )

    assert_error(response, 410, "gone")
    assert_error(client.get(url(record, "/versions"), headers=auth["alice"]), 410, "gone")


@pytest.mark.django_db
def test_deleted_draft_stays_hidden_from_outsiders(client, auth, alice):
    draft = make_record(alice, title="Never shown")
    client.delete(url(draft), headers=auth["alice"])

    assert_error(client.get(url(draft)), 404, "not_found")
    assert_error(client.get(url(draft), headers=auth["carol"]), 404, "not_found")


# Publishing


@pytest.mark.django_db
def test_publish_waits_for_processing_then_shows_the_record_to_everyone(client, auth, tasks):
    record_id = client.post(RECORDS, {"file": png_file()}, headers=auth["alice"]).json()["id"]

    early = client.post(url(record_id, "/publish"), headers=auth["alice"])

    assert_error(early, 409, "not_ready")
    assert_error(client.get(url(record_id)), 404, "not_found")
    tasks()
    response = client.post(url(record_id, "/publish"), headers=auth["alice"])
    assert response.status_code == 200, response.content
    assert response.json()["visibility"] == "public"
    assert response.json()["published_at"]
    anonymous = Client().get(url(record_id))
    assert anonymous.status_code == 200
    assert anonymous.json()["media"]["thumb"]
    assert fetch(Client(), anonymous.json()["media"]["thumb"]).status_code == 200


@pytest.mark.django_db
def test_publishing_twice_is_harmless(client, auth, alice):
    record = make_record(alice, publish=True)
    published_at = Record.objects.get(pk=record.pk).published_at

    response = client.post(url(record, "/publish"), headers=auth["alice"])

    assert response.status_code == 200
    assert Record.objects.get(pk=record.pk).published_at == published_at


# Versions


@pytest.mark.django_db
def test_new_version_shows_the_old_one_until_it_is_processed(client, auth, alice, tasks):
    record = make_record(alice, publish=True)

    response = client.post(
        url(record, "/versions"),
        {"file": png_file("blue.png", color="navy"), "change_note": "Bluer."},
        headers=auth["alice"],
    )

    assert response.status_code == 201, response.content
    assert response.json()["number"] == 2
    assert response.json()["change_note"] == "Bluer."
    assert response.json()["state"] == "uploaded"
    body = client.get(url(record), headers=auth["alice"]).json()
    assert body["version_count"] == 2
    assert body["current_version"]["number"] == 1
    assert body["latest_version"]["number"] == 2
    versions = client.get(url(record, "/versions"), headers=auth["alice"]).json()
    assert [(v["number"], v["change_note"]) for v in versions] == [(2, "Bluer."), (1, "")]
    # Others see only what is ready: not the name or note of an upload in progress.
    body = client.get(url(record)).json()
    assert body["latest_version"]["number"] == 1
    assert [v["number"] for v in client.get(url(record, "/versions")).json()] == [1]
    tasks()
    body = client.get(url(record)).json()
    assert body["current_version"]["number"] == 2
    assert body["current_version"]["change_note"] == "Bluer."


@pytest.mark.django_db
def test_new_version_of_another_kind_is_refused(client, auth, alice, records_root):
    record = make_record(alice)
    files_before = stored_files()

    response = client.post(
        url(record, "/versions"), {"text": POEM, "change_note": "Words now."}, headers=auth["alice"]
    )

    assert_error(response, 422, "kind_mismatch")
    assert Version.objects.filter(record=record).count() == 1
    assert stored_files() == files_before


@pytest.mark.django_db
def test_versions_of_a_draft_are_404_for_outsiders(client, auth, alice):
    draft = make_record(alice)

    assert_error(client.get(url(draft, "/versions")), 404, "not_found")
    assert_error(client.get(url(draft, "/versions"), headers=auth["carol"]), 404, "not_found")
    assert client.get(url(draft, "/versions"), headers=auth["alice"]).status_code == 200
