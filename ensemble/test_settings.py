"""Settings for the test suite: the real settings, plus what makes tests fast and hermetic.

The database still comes from DATABASE_URL, so `DATABASE_URL=postgres://… make test`
runs the same suite on PostgreSQL.
"""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-secret-key-that-is-long-enough-for-the-check")
os.environ.setdefault("EMAIL_URL", "locmem://")
os.environ.setdefault("SITE_URL", "http://testserver")
os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="ensemble-test-"))

# ENSEMBLE_TEST_STORAGE=s3: the whole run keeps its files in a real S3 server, started
# here once (and found again by the processes tests start): `.ci/run` runs the
# PostgreSQL suite this way. Otherwise only the tests asking for `s3_storage` use one.
if os.environ.get("ENSEMBLE_TEST_STORAGE") == "s3":
    from pathlib import Path

    from ensemble.core.s3server import start_for_session

    os.environ["STORAGE_URL"] = start_for_session(Path(os.environ["VAR_DIR"]) / "s3")

# ENSEMBLE_TEST_TASKS=rq: the whole run's task queue is on Redis (TASKS_BACKEND=rq), in a
# redis-server started here once (ensemble/core/redisserver.py): `.ci/run` runs the
# PostgreSQL suite this way, and the SQLite one on the database queue.
if os.environ.get("ENSEMBLE_TEST_TASKS") == "rq":
    from pathlib import Path

    from ensemble.core.redisserver import start_for_session as start_redis

    os.environ["TASKS_BACKEND"] = "rq"
    os.environ["REDIS_URL"] = start_redis(Path(os.environ["VAR_DIR"]) / "redis")

from ensemble.settings import *  # noqa: F403
from ensemble.settings import STORAGES

# Argon2 is deliberately slow; tests hash hundreds of passwords.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# No manifest to build before each run; whitenoise serves straight from the apps.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
# Off in tests: a test's writes are rolled back, never committed, so they would not renew
# the visitors' page cache; ensemble/core/tests/test_pagecache.py turns it on. Members'
# shared fragments and whole pages likewise: ensemble/core/tests/test_fragments.py and
# test_memberpages.py turn them on.
PAGE_CACHE_SECONDS = 0
FRAGMENT_CACHE_SECONDS = 0
MEMBER_PAGE_SECONDS = 0
