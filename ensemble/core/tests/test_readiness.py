"""`/readyz` tries each part the site needs for real: 200 with every check when all
answer; 503 naming the part that does not (a storage folder that cannot take a file, a
cache nobody listens for), and never an error's message; never kept by a cache."""

from __future__ import annotations

import pytest
from django.test import Client

from ensemble.core.testing import run_on_commit_callbacks, run_tasks
from ensemble.records.testing import make_record

pytestmark = pytest.mark.django_db


def test_ready_when_every_part_answers(alice):
    make_record(alice, process=False)
    run_on_commit_callbacks()  # its processing task is queued, and waits
    response = Client().get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["ready"] is True
    assert set(body["checks"]) == {"database", "cache", "storage", "queue"}
    assert all(check["ok"] for check in body["checks"].values())
    assert body["checks"]["queue"]["waiting"] == 1
    assert body["checks"]["queue"]["oldest_seconds"] >= 0
    assert "no-store" in response["Cache-Control"]
    run_tasks()
    assert Client().get("/readyz").json()["checks"]["queue"]["waiting"] == 0


def test_a_storage_folder_that_takes_no_file_is_not_ready(settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the records folder should be")
    settings.RECORDS_ROOT = blocker
    response = Client().get("/readyz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["storage"] == {"ok": False, "error": "FileExistsError"}
    assert checks["database"]["ok"]


def test_a_cache_nobody_listens_for_is_not_ready_and_says_no_more(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        }
    }
    response = Client().get("/readyz")
    assert response.status_code == 503
    cache = response.json()["checks"]["cache"]
    assert cache["ok"] is False
    assert "127.0.0.1" not in response.content.decode()  # the kind of error, not its words


def test_only_get_and_head():
    assert Client().post("/readyz").status_code in (403, 405)
    assert Client().head("/readyz").status_code == 200
