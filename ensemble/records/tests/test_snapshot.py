"""A record read while the worker commits is one consistent snapshot.

The worker marks a version ready and points the record's `current_version` at it in one
transaction. A reader that fetched the record row before that commit and its versions
after it saw `latest_version.state: "ready"` with `current_version` null and no media
(13 of 25 uploads polled back to back). These tests commit the worker's change exactly
between the reader's first read of the record and everything it reads next.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import connection

from ensemble.core.testing import run_tasks
from ensemble.records.models import Version
from ensemble.records.testing import make_record


@contextmanager
def worker_commits_after_the_record_is_read() -> Iterator[list[int]]:
    """Run the queued processing (committed: the test is transactional) right after the
    first statement that reads the `records_record` table, as a worker finishing then
    would. Yields a list that holds 1 once it has happened."""
    ran: list[int] = []

    def wrapper(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any):
        result = execute(sql, params, many, context)
        if not ran and sql.lstrip().upper().startswith("SELECT") and 'FROM "records_record"' in sql:
            ran.append(1)
            run_tasks()  # its own statements pass through here again, after `ran` is set
        return result

    with connection.execute_wrapper(wrapper):
        yield ran


@pytest.fixture
def processing(alice):
    """Alice's upload, queued and not processed yet."""
    record = make_record(alice, title="Fresh upload", process=False)
    assert Version.objects.get(record=record).state == Version.State.UPLOADED
    return record


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_api_never_says_ready_without_the_ready_version_and_its_media(processing, client):
    client.force_login(processing.owner)
    with worker_commits_after_the_record_is_read() as ran:
        body = client.get(f"/api/v1/records/{processing.pk}").json()
    assert ran == [1]
    assert body["latest_version"]["state"] == "ready"
    assert body["current_version"] is not None
    assert body["current_version"]["number"] == body["latest_version"]["number"]
    assert body["media"]["thumb"] is not None
    assert body["media"]["download"] is not None


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_record_page_never_says_processed_without_showing_the_work(processing, client):
    client.force_login(processing.owner)
    with worker_commits_after_the_record_is_read() as ran:
        html = client.get(processing.get_absolute_url()).content.decode()
    assert ran == [1]
    assert "being processed" not in html
    assert '<img src="/media/r/' in html
    assert "· shown" in html  # the history marks the version the page shows
