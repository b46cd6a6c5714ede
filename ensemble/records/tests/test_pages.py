"""The record pages: browse, record page per kind, edit, publish, versions, delete."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ensemble.core.testing import image_bytes
from ensemble.records import services
from ensemble.records.models import Record
from ensemble.records.testing import make_record, upload
from ensemble.records.tests.helpers import audio_bytes, video_bytes

pytestmark = pytest.mark.django_db


def test_browse_lists_public_records_only_with_filters(alice, client):
    make_record(alice, title="Turnip sketch", tags="turnip, sketch", publish=True)
    make_record(alice, title="Secret draft")
    make_record(alice, text="A poem", title="Poem", licence="cc-by-4.0", publish=True)

    html = client.get("/records/").content.decode()
    assert "Turnip sketch" in html
    assert "Poem" in html
    assert "Secret draft" not in html
    assert "Poem" not in client.get("/records/?kind=image").content.decode()
    assert "Turnip sketch" in client.get("/records/?tag=Turnip").content.decode()
    html = client.get("/records/?licence=cc-by-4.0").content.decode()
    assert "Poem" in html
    assert "Turnip sketch" not in html
    assert "Poem" in client.get("/records/?owner=alice").content.decode()


def test_browse_costs_the_same_queries_for_3_or_20_records(alice, client):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/records/").status_code == 200
        return len(captured)

    for n in range(3):
        make_record(alice, title=f"R{n}", publish=True)
    few = queries()
    for n in range(17):
        make_record(alice, title=f"S{n}", publish=True)
    assert queries() == few


def test_profile_portfolio_shows_public_work_and_own_drafts(alice, carol, client):
    make_record(alice, title="Shown", publish=True)
    make_record(alice, title="Hidden draft")
    html = client.get("/@alice/").content.decode()
    assert "Shown" in html
    assert "Hidden draft" not in html
    client.force_login(alice)
    assert "Hidden draft" in client.get("/@alice/").content.decode()


def test_each_kind_gets_its_viewer(alice, alice_client, tmp_path):
    image = make_record(alice, title="Pic")
    text = make_record(alice, text="# Title\n\nSome *words* here.", title="Words")
    audio = make_record(alice, data=audio_bytes(tmp_path, "flac"), name="a.flac", title="Song")
    video = make_record(alice, data=video_bytes(tmp_path), name="v.mp4", title="Clip")

    assert "data-zoom" in alice_client.get(image.get_absolute_url()).content.decode()
    assert "<em>words</em>" in alice_client.get(text.get_absolute_url()).content.decode()
    html = alice_client.get(audio.get_absolute_url()).content.decode()
    assert "<audio" in html
    assert "data-waveform" in html
    html = alice_client.get(video.get_absolute_url()).content.decode()
    assert "<video" in html
    assert "poster=" in html


def test_a_draft_is_404_for_others_and_a_tombstone_is_410(alice, carol, client):
    draft = make_record(alice, title="Mine")
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(carol)
    assert client.get(draft.get_absolute_url()).status_code == 404
    services.delete_record(draft, by=alice)
    assert client.get(draft.get_absolute_url()).status_code == 404  # never public: unknown

    shown = make_record(alice, title="Once public", publish=True)
    services.delete_record(shown, by=alice)
    response = client.get(shown.get_absolute_url())
    assert response.status_code == 410
    assert "was deleted" in response.content.decode()


def test_processing_state_is_shown_live_until_finished(alice, alice_client, tasks):
    record = make_record(alice, process=False)
    html = alice_client.get(f"/records/{record.pk}/status").content.decode()
    assert 'hx-trigger="every' in html
    assert "<progress" in html
    tasks()
    response = alice_client.get(f"/records/{record.pk}/status")
    assert "Ready" in response.content.decode()
    assert 'hx-trigger="every' not in response.content.decode()
    assert response["HX-Trigger"] == "record-processed"


def test_the_owner_edits_publishes_and_deletes_from_the_pages(alice, alice_client):
    record = make_record(alice, title="Old")
    response = alice_client.post(
        f"/records/{record.pk}/edit",
        {"title": "New", "description": "**Bold**", "tags": "a, b", "licence": "cc0-1.0"},
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.title == "New"
    assert record.licence == "cc0-1.0"
    assert "<strong>Bold</strong>" in record.description_html
    assert sorted(t.name for t in record.tags.all()) == ["a", "b"]

    alice_client.post(f"/records/{record.pk}/publish")
    record.refresh_from_db()
    assert record.is_public
    assert record.published_at

    assert alice_client.post(f"/records/{record.pk}/delete").status_code == 302
    record.refresh_from_db()
    assert record.is_deleted
    assert record.title == "New"
    assert record.description == ""
    assert not record.tags.exists()


def test_publishing_waits_for_a_ready_version(alice, alice_client):
    record = make_record(alice, process=False)
    alice_client.post(f"/records/{record.pk}/publish")
    record.refresh_from_db()
    assert not record.is_public


def test_others_cannot_change_a_public_record(alice, carol, client):
    record = make_record(alice, publish=True)
    client.force_login(carol)
    for path in ("edit", "delete", "versions/new"):
        assert client.get(f"/records/{record.pk}/{path}").status_code == 403
    assert client.post(f"/records/{record.pk}/publish").status_code == 403
    assert client.post(f"/records/{record.pk}/delete").status_code == 403
    record.refresh_from_db()
    assert not record.is_deleted


def test_a_new_version_through_the_page_keeps_the_history(alice, alice_client, tasks):
    record = make_record(alice, publish=True)
    response = alice_client.post(
        f"/records/{record.pk}/versions/new",
        {"file": upload(image_bytes(color="navy"), "v2.png"), "change_note": "Darker"},
    )
    assert response.status_code == 302
    tasks()
    html = alice_client.get(record.get_absolute_url()).content.decode()
    assert "Version 2" in html
    assert "Version 1" in html
    assert "Darker" in html


def test_a_new_version_of_another_kind_is_refused(alice, alice_client, tmp_path):
    record = make_record(alice)
    response = alice_client.post(
        f"/records/{record.pk}/versions/new",
        {"file": upload(audio_bytes(tmp_path), "song.wav"), "change_note": ""},
    )
    assert response.status_code == 400
    assert "not an image" in response.content.decode()
    assert record.versions.count() == 1


def test_writing_a_text_record(alice_client, tasks):
    response = alice_client.post(
        "/records/write",
        {"title": "Turnip", "body": "A *turnip* for a head.", "licence": "accord"},
    )
    assert response.status_code == 302
    tasks()
    record = Record.objects.get()
    assert record.kind == "text"
    version = record.current_version
    assert version.metadata["word_count"] == 5
    assert "<em>turnip</em>" in version.body_html
