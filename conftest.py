"""Fixtures for the whole suite: the named cast and the task runner."""

import itertools
import os
from pathlib import Path
from types import SimpleNamespace

import pytest

from ensemble.accounts.testing import make_user
from ensemble.core import ratelimit
from ensemble.core.testing import run_tasks

# Folders and modules whose every test carries a mark, known without importing them. A run
# whose -m leaves that mark out does not import them at all, for importing is what costs:
# the fuzz builds its ~200 tests as it is collected, the browser tests load Playwright.
WHOLLY_MARKED = {
    "tests/browser": "browser",  # marked by tests/browser/conftest.py
    "ensemble/core/tests/test_openapi_fuzz.py": "slow",
}


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    if not collection_path.is_relative_to(config.rootpath):
        return None
    mark = WHOLLY_MARKED.get(collection_path.relative_to(config.rootpath).as_posix())
    return True if mark and _left_out(config.getoption("markexpr"), mark) else None


def _left_out(markexpr: str, mark: str) -> bool:
    """Whether `-m markexpr` leaves out every test marked `mark`: when the expression is
    a plain conjunction (no brackets, no `or`) with `not mark` in it."""
    if "(" in markexpr or " or " in f" {markexpr} ":
        return False
    return f"not {mark}" in (term.strip() for term in markexpr.split(" and "))


@pytest.fixture
def alice(db):
    """Owner of things."""
    return make_user("alice", display_name="Alice Archer")


@pytest.fixture
def bob(db):
    """Collaborator / leader."""
    return make_user("bob", display_name="Bob Brass")


@pytest.fixture
def carol(db):
    """An outsider."""
    return make_user("carol")


@pytest.fixture
def dave(db):
    """Another outsider, for when one is not enough."""
    return make_user("dave")


@pytest.fixture
def fragments_on(settings):
    """Members' shared fragments and whole pages kept, as a served site keeps them
    (core/fragments.py, core/memberpages.py; test_settings turns them off, as it does
    the page cache). `fragmenting.get` gives each member one browser for the test."""
    from ensemble.core.tests.fragmenting import BROWSERS

    settings.FRAGMENT_CACHE_SECONDS = settings.MEMBER_PAGE_SECONDS = 300
    BROWSERS.clear()
    yield
    BROWSERS.clear()


@pytest.fixture
def mod(db):
    """A moderator (the role `ensemble moderators grant` gives; staff too, as before)."""
    from ensemble.moderation import services as moderation

    user = make_user("mod", is_staff=True)
    moderation.grant(user)
    return user


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def tasks(db):
    """Call `tasks()` to run everything queued so far, as the worker would."""
    return run_tasks


# A moment in the middle of every rate-limit window (1.8e9 is a multiple of an hour):
# tests never straddle a window's end by chance.
FROZEN_RATE_CLOCK = 1_800_000_000 + 330


@pytest.fixture(autouse=True)
def rate_clock(monkeypatch):
    """The rate limiter's clock, frozen; tests move it with `rate_clock.advance(seconds)`."""
    clock = SimpleNamespace(now=FROZEN_RATE_CLOCK)
    clock.time = lambda: clock.now
    clock.advance = lambda seconds: setattr(clock, "now", clock.now + seconds)
    monkeypatch.setattr(ratelimit, "time", clock)
    return clock


_test_number = itertools.count(1)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path_factory):
    """Each test writes media and record files into its own folders.

    Made when first written to, not up front: most tests write none, and a folder per
    test (as `tmp_path` makes) is thousands of folders to make and later delete a run.
    """
    folder = tmp_path_factory.getbasetemp() / "media-roots" / str(next(_test_number))
    settings.MEDIA_ROOT = folder / "media"
    settings.RECORDS_ROOT = folder / "records"
    settings.EXPORTS_ROOT = folder / "exports"
    if settings.STORAGE_URL:  # the whole run in S3 (ENSEMBLE_TEST_STORAGE=s3): a prefix each
        from ensemble.core.s3server import with_prefix
        from ensemble.core.storage_url import storages_from_url

        url = with_prefix(settings.STORAGE_URL, f"test-{next(_test_number)}")
        settings.STORAGES = {
            **settings.STORAGES,
            **storages_from_url("STORAGE_URL", url, roots={}, media_url=settings.MEDIA_URL),
        }


@pytest.fixture(scope="session")
def s3_url(tmp_path_factory):
    """A real S3 server's STORAGE_URL (SeaweedFS, ensemble/core/s3server.py): the run's
    own under ENSEMBLE_TEST_STORAGE=s3, else one started for the tests that ask."""

    from ensemble.core.s3server import S3Server

    known = os.environ.get("ENSEMBLE_TEST_STORAGE_URL")
    if known:
        yield known
        return
    server = S3Server(tmp_path_factory.mktemp("s3")).start()
    yield server.url()
    server.stop()


@pytest.fixture
def s3_storage(settings, s3_url):
    """Every area of files in the S3 server, under a prefix of this test's own."""
    from ensemble.core.s3server import with_prefix
    from ensemble.core.storage_url import storages_from_url

    url = with_prefix(s3_url, f"test-{next(_test_number)}")
    settings.STORAGE_URL = url
    settings.STORAGES = {
        **settings.STORAGES,
        **storages_from_url("STORAGE_URL", url, roots={}, media_url=settings.MEDIA_URL),
    }
    return url


@pytest.fixture
def local_storage(settings):
    """Every area of files in folders of this machine, also in a run that keeps its files
    in S3 (ENSEMBLE_TEST_STORAGE=s3): for what a site without a bucket does."""
    from ensemble.core.storage_url import storages_from_url

    settings.STORAGE_URL = ""
    roots = {"records": settings.RECORDS_ROOT, "exports": settings.EXPORTS_ROOT}
    settings.STORAGES = {
        **settings.STORAGES,
        **storages_from_url("STORAGE_URL", "", roots=roots, media_url=settings.MEDIA_URL),
    }


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Forget content type ids and cached results from earlier tests.

    Transactional tests (browser tests, the PostgreSQL concurrency tests) flush the
    database and restore it: a content type created in between gets a new id that the
    in-process cache would otherwise keep pointing to (a foreign-key error much later).
    """
    from django.contrib.contenttypes.models import ContentType
    from django.core.cache import cache

    ContentType.objects.clear_cache()
    # Cached results are keyed by rows' ids and generation counters, which a rolled-back
    # test hands out again: a test must never read what the previous one cached.
    cache.clear()


@pytest.fixture(autouse=True)
def _empty_task_queues(settings):
    """With the queue on Redis (ENSEMBLE_TEST_TASKS=rq) a test's tasks are not rolled back
    with its rows: whatever one test queued and did not run is gone before the next."""
    from ensemble.core import redisqueue

    if redisqueue.in_use():
        import django_rq

        django_rq.get_connection("default").flushdb()


@pytest.fixture(scope="session")
def redis_server_url(tmp_path_factory):
    """The run's redis-server (started for the run under ENSEMBLE_TEST_TASKS=rq), or one
    started for the tests that ask; its database 0."""

    from ensemble.core.redisserver import RedisServer

    known = os.environ.get("ENSEMBLE_TEST_REDIS_URL")
    if known:
        yield known
        return
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield server.url()
    server.stop()


@pytest.fixture
def rq_tasks(settings, redis_server_url):
    """This test's tasks on Redis (TASKS_BACKEND=rq), whatever the run's queue: for the
    tests that run on both backends in every run. Its database starts empty."""
    import django_rq

    from ensemble.core.redisserver import DB_FOR_RQ_TESTS, with_database

    url = with_database(redis_server_url, DB_FOR_RQ_TESTS)
    settings.REDIS_URL = url
    settings.RQ_QUEUES = {name: {"URL": url} for name in settings.TASK_QUEUES}
    settings.TASKS = {
        "default": {**settings.TASKS["default"], "BACKEND": "django_tasks_rq.RQBackend"}
    }
    _forget_task_backends()
    django_rq.get_connection("default").flushdb()
    yield url
    _forget_task_backends()


def _forget_task_backends():
    """Django keeps each task backend once made, and no signal renews it when a test
    changes TASKS: forget them, to be made again from the settings as they are."""
    from django.tasks import task_backends

    task_backends._settings = None
    if hasattr(task_backends._connections, "default"):
        del task_backends._connections.default


# A task is made for the backend configured when its module is imported: in a run whose
# queue is on Redis (ENSEMBLE_TEST_TASKS=rq) the database queue cannot take them, and the
# whole run is on Redis anyway. Every other run tests both.
QUEUES_TESTED = ["rq"] if os.environ.get("ENSEMBLE_TEST_TASKS") == "rq" else ["database", "rq"]


@pytest.fixture(params=QUEUES_TESTED)
def task_queue(request, settings):
    """The test with the queue in the database and on Redis (see QUEUES_TESTED)."""
    if request.param == "rq":
        request.getfixturevalue("rq_tasks")
    else:
        settings.TASKS = {
            "default": {**settings.TASKS["default"], "BACKEND": "django_tasks_db.DatabaseBackend"}
        }
        _forget_task_backends()
    yield request.param
    _forget_task_backends()
