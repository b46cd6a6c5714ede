"""A member's export: asked once at a time, built by the worker with its progress, a
zip of JSON and every original file, theirs alone to download while it is kept; a
failure or a dead worker leaves nothing half-made."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ensemble.accounts import exports
from ensemble.accounts.models import DataExport
from ensemble.community.services import comments
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
    with zipfile.ZipFile(exports.path_of(export)) as archive:
        return export, {name: archive.read(name) for name in archive.namelist()}


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
    with zipfile.ZipFile(exports.path_of(export)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    readme = files["README.txt"].decode()
    assert f"Record {waiting.pk}, version 1 was still uploaded" in readme
    assert any(name.startswith(f"files/records/{waiting.pk}/") for name in files)


def test_a_failure_leaves_no_file_and_lets_the_member_ask_again(alice, settings):
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
    assert not list(settings.EXPORTS_ROOT.glob("*"))
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
    path = exports.path_of(export)
    assert exports.sweep() == 1
    assert not path.exists()


def test_only_its_owner_downloads_it_while_it_is_kept(client, alice, bob):
    export, _ = built(alice)
    url = reverse("accounts:download_export", args=[export.pk])
    client.force_login(bob)
    assert client.get(url).status_code == 404
    client.force_login(alice)
    answer = client.get(url)
    assert answer.status_code == 200
    assert answer["Content-Disposition"].startswith('attachment; filename="alice-data-')
    assert zipfile.ZipFile(io.BytesIO(b"".join(answer.streaming_content))).testzip() is None
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
    download = client.get(listed[0]["download"])
    assert download.status_code == 200
    client.force_login(bob)
    assert client.get(listed[0]["download"]).status_code == 404
