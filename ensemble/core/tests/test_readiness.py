"""`/readyz` tries each part the site needs for real: 200 with every check when all
answer; 503 naming the part that does not (a storage folder that cannot take a file, a
bucket nobody answers for, a cache nobody listens for), and never an error's message;
never kept by a cache."""

from __future__ import annotations

import pytest
from botocore.config import Config
from django.test import Client

from ensemble.core.s3server import BUCKET
from ensemble.core.storage_url import storages_from_url
from ensemble.core.testing import run_on_commit_callbacks, run_tasks
from ensemble.records.testing import make_record

pytestmark = pytest.mark.django_db


def test_ready_when_every_part_answers(alice, task_queue):
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
    assert body["checks"]["queue"].get("backend", "database") == task_queue
    assert "no-store" in response["Cache-Control"]
    run_tasks()
    assert Client().get("/readyz").json()["checks"]["queue"]["waiting"] == 0


def test_a_storage_folder_that_takes_no_file_is_not_ready(settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the records folder should be")
    settings.RECORDS_ROOT = blocker
    # A folder's failure: the areas are folders here, even in a run that keeps files in S3.
    settings.STORAGES = {
        **settings.STORAGES,
        **storages_from_url(
            "STORAGE_URL",
            "",
            roots={"records": settings.RECORDS_ROOT, "exports": settings.EXPORTS_ROOT},
            media_url=settings.MEDIA_URL,
        ),
    }
    response = Client().get("/readyz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["storage"] == {"ok": False, "error": "FileExistsError"}
    assert checks["database"]["ok"]


def test_ready_with_the_files_in_a_bucket(s3_storage):
    response = Client().get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["storage"] == {"ok": True}


def test_a_bucket_nobody_answers_for_is_not_ready_and_says_no_more(settings):
    url = "s3://k:s@nobucket-x?endpoint=http://127.0.0.1:9"  # nothing listens on port 9
    areas = storages_from_url("STORAGE_URL", url, roots={}, media_url=settings.MEDIA_URL)
    for area in areas.values():  # one quick try, not the site's patient retries
        area["OPTIONS"]["client_config"] = Config(
            connect_timeout=1, read_timeout=1, retries={"total_max_attempts": 1}
        )
    settings.STORAGES = {**settings.STORAGES, **areas}
    response = Client().get("/readyz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["storage"] == {"ok": False, "error": "EndpointConnectionError"}
    assert checks["database"]["ok"]
    assert "127.0.0.1" not in response.content.decode()


def test_a_bucket_the_store_does_not_have_is_not_ready_with_its_answer_named(settings, s3_url):
    url = s3_url.replace(f"@{BUCKET}", "@no-such-bucket", 1)
    settings.STORAGES = {
        **settings.STORAGES,
        **storages_from_url("STORAGE_URL", url, roots={}, media_url=settings.MEDIA_URL),
    }
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"] == {"ok": False, "error": "ClientError: 404"}


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


def test_a_task_queue_on_a_redis_nobody_listens_for_is_not_ready(settings, rq_tasks):
    settings.RQ_QUEUES = {
        name: {"URL": "redis://127.0.0.1:1/0"} for name in settings.TASK_QUEUES
    }  # nothing listens on port 1
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["queue"] == {"ok": False, "error": "ConnectionError"}
    assert "127.0.0.1" not in response.content.decode()


def test_only_get_and_head():
    assert Client().post("/readyz").status_code in (403, 405)
    assert Client().head("/readyz").status_code == 200
