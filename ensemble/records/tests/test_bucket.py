"""Records kept in a real S3 server (SeaweedFS): uploads, processing by a worker with no
shared disk, serving through signed redirects, removal, and killed workers' leftovers.

The whole suite also runs this way in `.ci/run` (ENSEMBLE_TEST_STORAGE=s3); these tests
run in every run, and look at the bucket itself.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from ensemble.core import filestore
from ensemble.core.testing import run_on_commit_callbacks
from ensemble.records import processing, services, storage
from ensemble.records.media.base import RenditionFile
from ensemble.records.models import Version
from ensemble.records.present import media_for
from ensemble.records.testing import make_record, served
from ensemble.records.tests.helpers import stored_files, video_bytes
from ensemble.records.tests.samples import images

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("s3_storage")]


def names_in(version: Version) -> list[str]:
    return [name.rsplit("/", 1)[1] for name in filestore.records.names(version.folder)]


def test_a_photo_is_kept_processed_and_served_from_the_bucket(alice, client, settings):
    record = make_record(alice, data=images.jpeg_with_exif(), name="harbour.jpg", publish=True)
    version = record.current_version
    assert version.state == "ready"
    assert "original.jpg" in names_in(version)
    assert {f"{r.role}-1{Path(r.file).suffix}" for r in version.renditions.all()} == {
        r.file for r in version.renditions.all()
    }  # uploaded under the attempt's own names
    assert set(names_in(version)) == {"original.jpg", *(r.file for r in version.renditions.all())}
    assert not Path(settings.RECORDS_ROOT).exists()  # nothing on the web machine's disk
    assert list(Path(settings.WORK_DIR).glob("*")) == []  # the worker's copy is gone too

    answer = served(client, media_for(version, record, None).image)
    assert answer.status_code == 200
    assert answer["Content-Type"] == "image/webp"
    assert answer["Cache-Control"] == "public, max-age=3600"
    assert answer.redirect["Cache-Control"] == "private, no-store"
    link = urlsplit(answer.redirect["Location"])
    assert int(parse_qs(link.query)["X-Amz-Expires"][0]) == settings.MEDIA_LINK_SECONDS
    assert answer.body[:4] == b"RIFF"


def test_ranges_and_downloads_come_from_the_store_with_our_headers(alice, bob, client):
    record = make_record(alice, data=images.jpeg_with_exif(), name="harbour.jpg", publish=True)
    version = record.current_version
    media = media_for(version, record, None)
    part = served(client, media.image, {"Range": "bytes=0-9"})
    assert part.status_code == 206
    assert part.body[:4] == b"RIFF"
    assert len(part.body) == 10
    client.force_login(bob)
    download = served(client, media_for(version, record, bob).download)
    assert download["Content-Disposition"].startswith('attachment; filename="harbour.jpg"')
    for pointer in images.GPS_POINTER:  # others get the copy without location
        assert pointer not in download.body


def test_a_draft_is_never_redirected_to_for_others(alice, carol, client):
    record = make_record(alice)
    link = media_for(record.current_version, record, alice).image
    assert client.get(link).status_code == 404  # no signed link is ever handed out
    client.force_login(carol)
    assert client.get(link).status_code == 404
    client.force_login(alice)
    assert served(client, link).status_code == 200


def test_a_video_is_processed_by_a_worker_that_shares_no_disk(alice, tmp_path, client):
    data = video_bytes(tmp_path, container="mov")
    record = make_record(alice, data=data, name="waves.mov", publish=True)
    version = record.current_version
    roles = {r.role for r in version.renditions.all()}
    assert {"poster", "preview"} <= roles
    preview = served(client, media_for(version, record, None).play)
    assert preview.status_code == 200
    assert preview["Content-Type"] == "video/mp4"
    assert preview.body[4:8] == b"ftyp"


def test_deleting_a_record_empties_its_folder_in_the_bucket(alice):
    record = make_record(alice, publish=True)
    folder = record.current_version.folder
    assert filestore.records.names(folder)
    services.delete_record(record, by=alice)
    run_on_commit_callbacks()
    assert filestore.records.names(folder) == []
    assert stored_files() == []


def test_a_failed_upload_leaves_nothing_in_the_bucket(alice):
    record = make_record(alice, data=images.truncated(images.jpeg_with_exif()), name="cut.jpg")
    version = record.versions.get()
    assert version.state == "failed"
    assert stored_files() == []
    assert storage.used_bytes(alice) == 0


def test_what_a_killed_attempt_uploaded_goes_when_the_next_one_claims(alice, tmp_path):
    record = make_record(alice, process=False)
    version = record.versions.get()
    assert Version.claim(version.pk, stale_after=processing.stall_after()) == 1
    leftover = tmp_path / "thumb.webp"
    leftover.write_bytes(b"half a thumbnail")
    storage.keep(leftover, version.folder, "thumb-1.webp")  # then the worker was killed
    Version.objects.filter(pk=version.pk).update(heartbeat_at=version.created_at.replace(year=2000))

    assert processing.run(version.pk) == "ready"
    version.refresh_from_db()
    kept = set(names_in(version))
    assert "thumb-1.webp" not in kept
    assert kept == {"original.png", *(r.file for r in version.renditions.all())}
    assert all("-2." in r.file for r in version.renditions.all())


def test_a_worker_overtaken_while_uploading_removes_what_it_uploaded(alice, tmp_path):
    record = make_record(alice, process=False)
    version = record.versions.get()
    first = Version.claim(version.pk, stale_after=processing.stall_after())
    Version.objects.filter(pk=version.pk).update(heartbeat_at=version.created_at.replace(year=2000))
    assert Version.claim(version.pk, stale_after=processing.stall_after()) == 2
    made = tmp_path / "thumb.webp"
    made.write_bytes(b"the first worker's thumbnail")
    result = processing.Result(
        kind="image",
        renditions=[RenditionFile(role="thumb", path=made, content_type="image/webp")],
    )
    assert processing._finish(version, first, result) is False
    assert names_in(version) == ["original.png"]


def test_an_original_missing_from_the_bucket_fails_the_version_saying_so(alice):
    record = make_record(alice, process=False)
    version = record.versions.get()
    filestore.records.remove(storage.file_name(version.folder, version.original_file))
    assert processing.run(version.pk) == "failed: internal error"
    version.refresh_from_db()
    assert version.state == "failed"
    assert version.failure_reason == processing.INTERNAL_FAILURE


def test_the_same_link_is_handed_out_again_so_browsers_can_cache_the_file(alice, client, bob):
    record = make_record(alice, publish=True)
    media = media_for(record.current_version, record, None)
    first = client.get(media.image)["Location"]
    assert client.get(media.image)["Location"] == first
    client.force_login(bob)
    assert client.get(media.image)["Location"] == first  # each asker passed the check
    assert client.get(media.thumb)["Location"] != first  # another file, another link


def test_what_a_killed_worker_left_in_its_work_folder_is_swept(settings):
    from ensemble.core import sweepers
    from ensemble.records import workspace

    root = Path(settings.WORK_DIR)
    left, busy, new = root / "version-1-left", root / "version-2-busy", root / "version-3-new"
    for folder in (left, busy, new):
        folder.mkdir(parents=True)
    (left / workspace.HELD).touch()  # its worker was killed: nobody holds it
    (left / "original.mkv").write_bytes(b"a big original")
    with (busy / workspace.HELD).open("wb") as held:
        sweepers.hold_while_open(held)  # a live worker's
        assert workspace.remove_abandoned() == 1
    assert not left.exists()
    assert busy.exists()
    assert new.exists()  # made a moment ago, not held yet: left for now
