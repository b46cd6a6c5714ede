"""Uploads straight to the bucket, in a real browser against a real S3 server: the page
sends the parts to the store itself, retries a part the network dropped, and sends the
file through the site when the store cannot be reached at all."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from ensemble.core import filestore, multipart
from ensemble.records.models import DirectUpload, Record, ResumableUpload
from ensemble.records.tests.test_resumable import PNG
from tests.browser.conftest import TaskWorker
from tests.browser.test_records import _row, _sign_in

TRANSACTIONAL = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def bucket_uploads(settings: Any, s3_storage: str, live_server: Any) -> Iterator[str]:
    """Files in the bucket, every upload sent straight to it, the bucket open to the page."""
    from ensemble.core.storage_url import media_origin

    settings.DIRECT_UPLOAD_FROM_BYTES = 0
    store = media_origin(s3_storage)
    settings.SECURE_CSP = {
        **settings.SECURE_CSP,
        "connect-src": [*settings.SECURE_CSP["connect-src"], *store],
        "img-src": [*settings.SECURE_CSP["img-src"], *store],
    }
    multipart.allow_uploads_from(filestore.records, live_server.url)
    yield store[0]
    bucket = filestore.records._bucket()  # the run's other tests share the bucket
    bucket.client.delete_bucket_cors(Bucket=bucket.bucket_name)


@TRANSACTIONAL
def test_a_picture_goes_straight_to_the_bucket_and_a_dropped_part_is_sent_again(
    page: Page, live_server: Any, alice: Any, worker: TaskWorker, tmp_path: Path, bucket_uploads
) -> None:
    puts: list[str] = []

    def store(route: Any) -> None:
        if route.request.method == "PUT":
            puts.append(route.request.url)
            if len(puts) == 1:
                route.abort("connectionreset")  # the line drops during the part
                return
        route.continue_()

    _sign_in(page, live_server.url)
    page.route(bucket_uploads + "/**", store)
    page.goto(live_server.url + "/records/new")
    (tmp_path / "harbour.png").write_bytes(PNG)
    page.locator("#id_file").set_input_files(str(tmp_path / "harbour.png"))
    row = _row(page, "harbour")
    expect(row.get_by_role("link", name="harbour")).to_be_visible(timeout=20_000)
    expect(row.get_by_text("Ready")).to_be_visible(timeout=30_000)

    assert len(puts) == 2  # the dropped part, and the same part again
    upload = DirectUpload.objects.get()
    assert (upload.state, upload.record.title) == ("complete", "harbour")
    assert not ResumableUpload.objects.exists()  # not a byte through the site
    assert filestore.records.size(f"{upload.folder}/{upload.name}") == len(PNG)
    problems: list[str] = page.problems  # type: ignore[attr-defined]
    problems[:] = [p for p in problems if "ERR_CONNECTION_RESET" not in p]


@TRANSACTIONAL
def test_a_store_the_browser_cannot_reach_sends_the_file_through_the_site(
    page: Page, live_server: Any, alice: Any, worker: TaskWorker, tmp_path: Path, bucket_uploads
) -> None:
    _sign_in(page, live_server.url)
    page.route(bucket_uploads + "/**", lambda route: route.abort("failed"))
    page.goto(live_server.url + "/records/new")
    (tmp_path / "quay.png").write_bytes(PNG)
    page.locator("#id_file").set_input_files(str(tmp_path / "quay.png"))
    expect(_row(page, "quay").get_by_role("link", name="quay")).to_be_visible(timeout=20_000)

    assert Record.objects.get().title == "quay"
    assert ResumableUpload.objects.get().state == "complete"
    assert not DirectUpload.objects.exists()  # given up, its parts dropped
    problems: list[str] = page.problems  # type: ignore[attr-defined]
    problems[:] = [p for p in problems if "ERR_FAILED" not in p]
