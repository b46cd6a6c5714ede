"""The page cache with Redis as the cache (CACHE_URL), as production shares it among
processes: a real redis-server of the run's own, on a free port."""

from __future__ import annotations

import pytest
import redis
from django.test import Client

from ensemble.core.redisserver import DB_FOR_CACHE_TESTS, with_database
from ensemble.records.models import Record
from ensemble.records.testing import make_record

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def redis_url(redis_server_url) -> str:
    return with_database(redis_server_url, DB_FOR_CACHE_TESTS)


@pytest.fixture
def redis_cache(settings, redis_url) -> redis.Redis:
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}
    }
    settings.PAGE_CACHE_SECONDS = 60
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    return client


def test_pages_are_kept_in_redis_and_renewed_by_a_committed_write(
    redis_cache, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        poem = make_record(alice, text="Gulls", title="Harbour poem", publish=True)
    path = f"/records/{poem.pk}"
    assert Client().get(path)["X-Page-Cache"] == "miss"
    assert list(redis_cache.scan_iter(match="*pagecache:*"))
    assert Client().get(path)["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        Record.objects.filter(pk=poem.pk).update(title="Quay poem")
    fresh = Client().get(path)
    assert fresh["X-Page-Cache"] == "miss"
    assert b"Quay poem" in fresh.content
