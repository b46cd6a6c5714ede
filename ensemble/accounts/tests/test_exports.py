"""A member's export: asked once at a time, built by the worker with its progress, a
zip of JSON and every original file, theirs alone to download while it is kept; a
failure or a dead worker leaves nothing half-made. With files in a bucket, the export
is kept there and downloaded through a short-lived link the store answers."""

from __future__ import annotations

import io
import json
import urllib.request
import zipfile
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ensemble.accounts import exports
from ensemble.accounts.models import DataExport
from ensemble.community.services import comments
from ensemble.core import filestore
from ensemble.core.refusals import Refused
from ensemble.core.testing import run_tasks
from ensemble.lineage.testing import bare_record
from ensemble.notifications.models import Notification
from ensemble.records.testing import make_record

pytestmark = pytest.mark.django_db


def built(user):
    """Ask for an export and run the worker: the export, and the zip's files by name."""
    export = exports.request(user)
    run_tasks()
    export.refresh_from_db()
    return export, unzipped(export)


def unzipped(export):
    """The export's zip as kept in its area: its files by name."""
    with filestore.exports.open(export.file_name) as kept:
        archive = zipfile.ZipFile(io.BytesIO(kept.read()))
    return {name: archive.read(name) for name in archive.namelist()}


def downloaded(answer):
    """(Content-Disposition, bytes) of a download: streamed by the site from a folder,
    or by the store from the link the site redirected to (files in a bucket)."""
    if filestore.exports.is_local:
        assert answer.status_code == 200
        return answer["Content-Disposition"], b"".join(answer.streaming_content)
    assert answer.status_code == 302
    assert "no-store" in answer["Cache-Control"]
    with urllib.request.urlopen(answer["Location"], timeout=10) as link:  # noqa: S310 - ours
        assert link.headers["Content-Type"] == "application/zip"
        return link.headers["Content-Disposition"], link.read()


def test_the_export_holds_what_the_member_put_in_and_their_files(alice, bob):
    picture = make_record(alice, title="A picture", publish=True, name="sea.png")
    comments.add(alice, bare_record(bob), "A comment of mine")
    export, files = built(alice)
    assert export.state == "ready"
    assert export.progress == 100
    assert export.expires_at > timezone.now() + timedelta(days=6)
    account = json.loads(files["account.json"])
    assert account["username"] == "alice"
    assert account["email"] == alice.email
    records = json.loads(files["records.json"])
    assert [r["title"] for r in records] == ["A picture"]
    assert files[f"files/records/{picture.pk}/v1-sea.png"].startswith(b"\x89PNG")
    said = json.loads(files["community.json"])["comments"]
    assert [c["body"] for c in said] == ["A comment of mine"]
    assert {"earnings.json", "moderation.json", "projects.json", "sources.json"} <= set(files)
    assert Notification.objects.filter(recipient=alice, kind="export_ready").exists()
    assert b"bob" not in files["records.json"]  # only hers


def test_one_export_at_a_time(alice):
    exports.request(alice)
    with pytest.raises(Refused) as refused:
        exports.request(alice)
    assert refused.value.code == "export_running"
    assert DataExport.objects.count() == 1
    run_tasks()
    exports.request(alice)  # once ready, another may be asked for
    assert DataExport.objects.count() == 2


def test_versions_still_processing_are_named_in_the_readme(alice):
    waiting = make_record(alice, title="Still processing", process=False)
    export = exports.request(alice)
    exports.build.call(export.pk)  # before the worker processes the upload
    export.refresh_from_db()
    files = unzipped(export)
    readme = files["README.txt"].decode()
    assert f"Record {waiting.pk}, version 1 was still uploaded" in readme
    assert any(name.startswith(f"files/records/{waiting.pk}/") for name in files)


def test_a_failure_leaves_no_file_and_lets_the_member_ask_again(alice, settings, tmp_path):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)  # where the zip is drafted

    def broken(user):
        raise RuntimeError("the disk is full")

    exports.register("zz_broken", broken)
    try:
        export = exports.request(alice)
        with pytest.raises(RuntimeError):
            exports.build.call(export.pk)
    finally:
        exports._sections.pop("zz_broken")
    export.refresh_from_db()
    assert export.state == "failed"
    assert "disk is full" in export.error
    assert filestore.exports.names() == []
    assert not list(tmp_path.iterdir())  # nor its draft
    exports.request(alice)


def test_a_build_a_dead_worker_left_is_failed_and_expired_files_go(alice):
    stuck = DataExport.objects.create(
        user=alice, state="building", created_at=timezone.now() - timedelta(hours=2)
    )
    assert exports.sweep() == 1
    stuck.refresh_from_db()
    assert stuck.state == "failed"
    export, _ = built(alice)
    DataExport.objects.filter(pk=export.pk).update(expires_at=timezone.now() - timedelta(1))
    assert exports.sweep() == 1
    assert not filestore.exports.exists(export.file_name)


def test_only_its_owner_downloads_it_while_it_is_kept(client, alice, bob):
    export, _ = built(alice)
    url = reverse("accounts:download_export", args=[export.pk])
    client.force_login(bob)
    assert client.get(url).status_code == 404
    client.force_login(alice)
    disposition, body = downloaded(client.get(url))
    assert disposition == f'attachment; filename="alice-data-{export.created_at:%Y-%m-%d}.zip"'
    assert zipfile.ZipFile(io.BytesIO(body)).testzip() is None
    DataExport.objects.filter(pk=export.pk).update(expires_at=timezone.now() - timedelta(1))
    assert client.get(url).status_code == 404


def test_the_page_shows_progress_and_polls_while_it_is_being_made(client, alice):
    client.force_login(alice)
    client.post(reverse("accounts:start_export"))
    page = client.get(reverse("accounts:exports")).content.decode()
    assert 'hx-trigger="every 2s"' in page
    assert "<progress" in page
    run_tasks()
    page = client.get(reverse("accounts:exports")).content.decode()
    assert 'hx-trigger="every 2s"' not in page
    assert "Download" in page


def test_the_api_starts_lists_and_downloads(client, alice, bob):
    client.force_login(alice)
    started = client.post("/api/v1/me/exports")
    assert started.status_code == 202
    assert started.json()["state"] == "queued"
    assert client.post("/api/v1/me/exports").json()["code"] == "export_running"
    run_tasks()
    listed = client.get("/api/v1/me/exports").json()
    assert listed[0]["state"] == "ready"
    _, body = downloaded(client.get(listed[0]["download"]))
    assert zipfile.ZipFile(io.BytesIO(body)).testzip() is None
    client.force_login(bob)
    assert client.get(listed[0]["download"]).status_code == 404


def test_an_original_removed_while_it_is_made_is_named_in_the_readme(alice):
    picture = make_record(alice, title="A picture", name="sea.png")
    version = picture.versions.get()

    def remover(user):  # collected after records, before the files are written
        filestore.records.remove(f"{version.folder}/{version.original_file}")
        return exports.Part({})

    exports.register("zz_remover", remover)
    try:
        export, files = built(alice)
    finally:
        exports._sections.pop("zz_remover")
    assert export.state == "ready"
    assert not any(name.startswith("files/") for name in files)
    assert f"files/records/{picture.pk}/v1-sea.png: removed" in files["README.txt"].decode()


def test_in_a_bucket_it_is_kept_there_and_downloaded_through_a_signed_link(
    s3_storage, settings, client, alice
):
    picture = make_record(alice, title="A picture", publish=True, name="sea.png")
    version = picture.versions.get()
    assert filestore.records.exists(f"{version.folder}/{version.original_file}")
    export, files = built(alice)
    assert filestore.exports.exists(export.file_name)
    assert files[f"files/records/{picture.pk}/v1-sea.png"].startswith(b"\x89PNG")
    assert not settings.RECORDS_ROOT.exists()  # so the original came from the bucket
    assert not settings.EXPORTS_ROOT.exists()  # and the zip went there only
    with filestore.exports.open(export.file_name) as kept:
        zipped = kept.read()
    name = f"alice-data-{export.created_at:%Y-%m-%d}.zip"

    client.force_login(alice)
    for url in (
        reverse("accounts:download_export", args=[export.pk]),
        f"/api/v1/me/exports/{export.pk}/download",
    ):
        answer = client.get(url)
        assert answer.status_code == 302  # to the store, which sends the bytes
        assert downloaded(answer) == (f'attachment; filename="{name}"', zipped)

    DataExport.objects.filter(pk=export.pk).update(expires_at=timezone.now() - timedelta(1))
    assert client.get(reverse("accounts:download_export", args=[export.pk])).status_code == 404
    assert exports.sweep() == 1
    assert not filestore.exports.exists(export.file_name)
