"""Django settings for Ensemble, read only from the environment (docs/configuration.md).

Defaults give the embedded setup: SQLite under var/, media under var/media, the database
task queue, and with DEBUG email written as files into var/mail/.
"""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from ensemble.core.env import (
    database_from_url,
    env_bool,
    env_choice,
    env_int,
    env_rates,
    env_size,
    env_str,
    listen_url,
    mailer_from_url,
    site_url,
)
from ensemble.core.storage_url import media_origin, storages_from_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)

DEV_SECRET_KEY = "ensemble-development-key-never-use-in-production"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY", DEV_SECRET_KEY)
if not DEBUG and SECRET_KEY == DEV_SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is the development default, which is refused when DEBUG is off. "
        "Set SECRET_KEY to a long random string (python -c 'import secrets; "
        "print(secrets.token_urlsafe(50))'), or DEBUG=true to develop."
    )
if len(SECRET_KEY) < 32:
    raise ImproperlyConfigured("SECRET_KEY must be at least 32 characters long.")

# Where `ensemble serve` listens. Without SITE_URL, links (emails, the event-mode short
# link and its QR code) lead there too: http://127.0.0.1:8000 by default, the machine's
# address on the local network with HOST=0.0.0.0.
HOST = env_str("HOST", "127.0.0.1")
PORT = env_int("PORT", 8000, minimum=1)
SITE_URL_IS_SET = bool(env_str("SITE_URL", ""))
SITE_URL, SITE_HOST = site_url("SITE_URL", listen_url(HOST, PORT))
SITE_NAME = env_str("SITE_NAME", "Ensemble")
# EXTRA_ALLOWED_HOSTS: other names the site answers to, e.g. the address a load
# balancer's health check uses (comma-separated).
ALLOWED_HOSTS = [SITE_HOST, *filter(None, env_str("EXTRA_ALLOWED_HOSTS", "").split(","))]
if DEBUG or not SITE_URL_IS_SET:
    # This machine itself, too, when the address is taken from where it listens.
    ALLOWED_HOSTS = list(dict.fromkeys([*ALLOWED_HOSTS, "localhost", "127.0.0.1", "[::1]"]))
CSRF_TRUSTED_ORIGINS = [SITE_URL]
WEB_WORKERS = env_int("WEB_WORKERS", 2, minimum=1)
# Slow clients (ensemble/core/arrival.py): threads per web process, how long headers and
# bodies may take to arrive, and how many bodies may be arriving at once. Bodies get
# fewer slots than there are threads, so pages keep answering while uploads trickle in.
WEB_THREADS = env_int("WEB_THREADS", 16, minimum=2)
REQUEST_HEADER_TIMEOUT = min(60, env_int("REQUEST_HEADER_TIMEOUT", 10, minimum=1))
REQUEST_BODY_TIMEOUT = env_int("REQUEST_BODY_TIMEOUT", 10, minimum=1)
REQUEST_MIN_RATE = env_size("REQUEST_MIN_RATE", 16 * 1024, minimum=1)
REQUEST_BODY_SLOTS = min(
    WEB_THREADS - 1, env_int("REQUEST_BODY_SLOTS", WEB_THREADS // 2, minimum=1)
)
REQUEST_BODIES_PER_ADDRESS = env_int("REQUEST_BODIES_PER_ADDRESS", 4, minimum=1)

INSTALLED_APPS = [
    "django.contrib.admin",  # for operators: roles, bans, the audit log (read-only)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tasks_db",
    "ninja",
    "ensemble.core",
    "ensemble.accounts",
    "ensemble.notifications",
    "ensemble.records",
    "ensemble.lineage",
    "ensemble.projects",
    "ensemble.timelines",
    "ensemble.payments",
    "ensemble.community",
    "ensemble.search",
    "ensemble.moderation",
    "ensemble.front",
    "ensemble.demo",
]

MIDDLEWARE = [
    "ensemble.core.metrics.RequestMetrics",  # first: it times everything below
    "ensemble.core.filestore.StoreUnavailableMiddleware",  # a bucket not answering: 503
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "ensemble.accounts.suspension.SuspendedMembersReadOnly",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Last, so every answer it keeps or serves gets the headers above afresh.
    "ensemble.core.pagecache.AnonymousPageCacheMiddleware",
]

ROOT_URLCONF = "ensemble.urls"
WSGI_APPLICATION = "ensemble.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ensemble.core.context_processors.site",
                "ensemble.notifications.context_processors.unread_count",
                "ensemble.demo.context_processors.demo_accounts",
            ],
        },
    },
]

DATABASES = {
    "default": database_from_url(
        "DATABASE_URL", f"sqlite:///{VAR_DIR / 'ensemble.sqlite3'}", base_dir=BASE_DIR
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Requests working in Django at once per web process, the others waiting their turn in
# order (ensemble/core/workslots.py); 0: as many as there are threads. On PostgreSQL a
# request waits on the network several times and queues for the interpreter lock behind
# every other working thread on each return: four slots halved members' pages' p99. On
# SQLite, in process, they cost a fifth of the cheapest pages' rate for no gain.
_ON_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
WEB_WORK_SLOTS = env_int("WEB_WORK_SLOTS", 4 if _ON_POSTGRES else 0, minimum=0)

# Django's cache: local memory in each process by default; CACHE_URL=redis://host:6379/0
# shares one Redis among all processes (and keeps what they cached across restarts).
CACHE_URL = env_str("CACHE_URL", "")
if CACHE_URL and not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured("CACHE_URL must be a redis://, rediss:// or unix:// address.")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_ENTRIES", 1000, minimum=100)},
        }
    )
}
# How long a page kept for visitors who are not signed in may be served at most
# (ensemble/core/pagecache.py; writes renew it sooner). 0 turns the page cache off.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 60, minimum=0)
# How long a part of a page every member sees alike (a comment thread) is kept at most
# (ensemble/core/fragments.py; writes renew it sooner). 0 turns fragments off.
FRAGMENT_CACHE_SECONDS = env_int("FRAGMENT_CACHE_SECONDS", 300, minimum=0)
# How long a member's whole page is kept for them at most (ensemble/core/memberpages.py;
# writes renew it sooner). 0 turns it off.
MEMBER_PAGE_SECONDS = env_int("MEMBER_PAGE_SECONDS", 300, minimum=0)

TASKS_BACKEND = env_choice("TASKS_BACKEND", "database", ("database", "rq", "immediate"))
# Long work on files (processing media, building exports) has a queue of its own, and
# `ensemble serve` a worker for each, so a transcode never delays an email.
TASK_QUEUES = ["default", "media"]
TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "rq": "django_tasks_rq.RQBackend",
            "immediate": "django.tasks.backends.immediate.ImmediateBackend",
        }[TASKS_BACKEND],
        "QUEUES": TASK_QUEUES,
    }
}
# TASKS_BACKEND=rq: the queues live in the Redis REDIS_URL names (django-tasks-rq over rq).
# A job's own time limit is generous: a stalled job is found by its missing heartbeats
# (records.processing), not by rq killing it mid-transcode.
REDIS_URL = env_str("REDIS_URL", "")
if TASKS_BACKEND == "rq":
    if not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(
            "TASKS_BACKEND=rq needs REDIS_URL, a redis://, rediss:// or unix:// address."
        )
    INSTALLED_APPS.append("django_rq")
    # Not its admin pages (which move and delete jobs, and answer tokens of their own):
    # our admin only reads, and /metrics and /readyz tell how the queues stand.
    RQ_SHOW_ADMIN_LINK = False
    RQ_QUEUES = {
        "default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 60 * 60},
        "media": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 24 * 60 * 60},
    }

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["ensemble.accounts.backends.UsernameOrEmailBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3

LANGUAGE_CODE = "en"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Uploads larger than this go to a temporary file instead of memory, in a folder beside
# RECORDS_ROOT so that keeping an upload is a rename, not a copy.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_TEMP_DIR = env_str("UPLOAD_TEMP_DIR", str(VAR_DIR / "uploads"))
Path(FILE_UPLOAD_TEMP_DIR).mkdir(parents=True, exist_ok=True)  # Django checks it exists
# A file left there by a web process that died mid-upload is removed by the worker's
# sweeper once it is this old (a file still being written is locked, and never removed).
UPLOAD_STALE_SECONDS = env_int("UPLOAD_STALE_SECONDS", 60 * 60, minimum=60)
# A resumable upload (records.resumable, tus) not finished this many hours after its last
# bytes is removed.
RESUMABLE_UPLOAD_HOURS = env_int("RESUMABLE_UPLOAD_HOURS", 24, minimum=1)
# With files in a bucket, the upload page sends files of at least DIRECT_UPLOAD_FROM
# straight to it (records.direct; the bucket needs `ensemble storage allow-uploads`);
# smaller ones, and every file with DIRECT_UPLOADS=false, go through the site.
DIRECT_UPLOADS = env_bool("DIRECT_UPLOADS", True)
DIRECT_UPLOAD_FROM_BYTES = env_size("DIRECT_UPLOAD_FROM", 8 * 1024 * 1024, minimum=0)
# The pieces the upload page sends them in: what a dropped connection costs at most.
RESUMABLE_CHUNK_BYTES = env_size("RESUMABLE_CHUNK_BYTES", 8 * 1024 * 1024, minimum=64 * 1024)
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "ensemble.records.uploads.CappedTemporaryFileUploadHandler",
]
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The timeline editor posts its whole document as a form without JavaScript: up to
# 1,000 items of at most 8 fields each (timelines.document.MAX_ITEMS). Parsing 10,000
# fields costs milliseconds; the body is still capped by the size above.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
# One file per request (a record's upload, an avatar): a request with more is refused
# before anything else is written to disk.
DATA_UPLOAD_MAX_NUMBER_FILES = 1
AVATAR_MAX_BYTES = env_int("AVATAR_MAX_BYTES", 5 * 1024 * 1024, minimum=1024)

# Records: originals and renditions, never served straight from disk (records.media_views
# checks who may see them). See docs/configuration.md for every limit.
RECORDS_ROOT = Path(env_str("RECORDS_ROOT", str(VAR_DIR / "records")))
# Members' exports of their data (accounts.exports): served only to their owner, kept
# EXPORT_DAYS days.
EXPORTS_ROOT = Path(env_str("EXPORTS_ROOT", str(VAR_DIR / "exports")))
EXPORT_DAYS = env_int("EXPORT_DAYS", 7, minimum=1)
# Files: in the folders above, or with STORAGE_URL=s3://… in one S3-compatible bucket
# (ensemble/core/filestore.py, docs/deployment.md). Media in a bucket is handed out as
# links the store answers for MEDIA_LINK_SECONDS, after the site has checked access.
STORAGE_URL = env_str("STORAGE_URL", "")
STORAGES = {
    **storages_from_url(
        "STORAGE_URL",
        STORAGE_URL,
        roots={"records": RECORDS_ROOT, "exports": EXPORTS_ROOT},
        media_url=MEDIA_URL,
    ),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_LINK_SECONDS = env_int("MEDIA_LINK_SECONDS", 6 * 60 * 60, minimum=60)
# Where a worker processing files from a bucket keeps them meanwhile: its own disk,
# emptied after each file (records.workspace).
WORK_DIR = Path(env_str("WORK_DIR", str(VAR_DIR / "work")))
# Days between asking for an account's deletion and its doing, while it can be cancelled.
ACCOUNT_DELETION_DAYS = env_int("ACCOUNT_DELETION_DAYS", 14, minimum=0)
RECORD_MAX_BYTES = {
    "text": env_size("RECORD_MAX_TEXT", 200 * 1024),
    "image": env_size("RECORD_MAX_IMAGE", 50 * 1024**2),
    "audio": env_size("RECORD_MAX_AUDIO", 500 * 1024**2),
    "video": env_size("RECORD_MAX_VIDEO", 4 * 1024**3),
    "other": env_size("RECORD_MAX_OTHER", 200 * 1024**2),
}
STORAGE_QUOTA_BYTES = env_size("STORAGE_QUOTA", 10 * 1024**3)
RECORD_MAX_IMAGE_PIXELS = env_int("RECORD_MAX_IMAGE_PIXELS", 100_000_000, minimum=1)
RECORD_MAX_DURATION_SECONDS = env_int("RECORD_MAX_DURATION", 3 * 60 * 60, minimum=1)
# A processing job whose worker sent no heartbeat for this long is handed to another.
PROCESSING_STALL_SECONDS = env_int("PROCESSING_STALL_SECONDS", 120, minimum=5)

# Payments: how long a published proposal stays open for comments before it can be
# finalized, and the smallest balance paid out (smaller balances carry over), in minor units.
PAYMENT_COMMENT_SECONDS = env_int("PAYMENT_COMMENT_SECONDS", 14 * 24 * 60 * 60, minimum=0)
PAYOUT_MINIMUM = env_int("PAYOUT_MINIMUM", 0, minimum=0)
# `ensemble serve` builds the demo (ensemble.demo) into a database with no members yet.
# `make run` turns it on unless told ENSEMBLE_DEMO=0; production leaves it off.
DEMO_ON_EMPTY = env_bool("ENSEMBLE_DEMO", False)

# While developing (DEBUG, no EMAIL_URL) every email becomes a readable .eml file in
# var/mail/, and the worker prints its subject and first link (ensemble/core/mail.py).
MAIL_FOLDER = (VAR_DIR / "mail").absolute()
MAILERS = {
    "default": mailer_from_url(
        "EMAIL_URL", MAIL_FOLDER.as_uri() if DEBUG else "smtp://localhost:25"
    )
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", f"{SITE_NAME} <noreply@{SITE_HOST}>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Throttles: (attempts, window in seconds); see ensemble/core/ratelimit.py.
RATE_LIMITS = {
    # Failed sign-ins from one address, for one account from one address, and for one
    # account from everywhere (past which only addresses that have not been failing at
    # it may try: a stranger cannot lock the owner out; accounts/services.py).
    "login_ip": (env_int("RATE_LOGIN_IP", 30, minimum=1), 15 * 60),
    "login_account_ip": (env_int("RATE_LOGIN_ACCOUNT_IP", 8, minimum=1), 15 * 60),
    "login_account": (env_int("RATE_LOGIN_ACCOUNT", 50, minimum=1), 60 * 60),
    # Password checks by someone already signed in (email change, password change).
    "password_check": (env_int("RATE_PASSWORD_CHECK", 10, minimum=1), 60 * 60),
    "signup_ip": (env_int("RATE_SIGNUP_IP", 10, minimum=1), 60 * 60),
    "signup_account": (env_int("RATE_SIGNUP_ACCOUNT", 3, minimum=1), 60 * 60),
    # Emails a member or a visitor can make us send.
    "password_reset": (env_int("RATE_PASSWORD_RESET", 5, minimum=1), 60 * 60),
    "verify_resend": (env_int("RATE_VERIFY_RESEND", 5, minimum=1), 60 * 60),
    "email_change": (env_int("RATE_EMAIL_CHANGE", 5, minimum=1), 60 * 60),
    "token_create": (env_int("RATE_TOKEN_CREATE", 20, minimum=1), 60 * 60),
    # Writes, per member (`kind`) and per client address (`kind_ip`, higher: one address
    # may be a room of people). Change any with RATE_LIMITS="comment=20/10m,heart=120/h".
    **env_rates(
        "RATE_LIMITS",
        {
            "comment": (20, 10 * 60),
            "comment_ip": (60, 10 * 60),
            "mention": (50, 60 * 60),  # people named in comments, per member
            "heart": (120, 60 * 60),
            "heart_ip": (600, 60 * 60),
            "follow": (60, 60 * 60),
            "follow_ip": (300, 60 * 60),
            "list": (60, 60 * 60),
            "list_ip": (300, 60 * 60),
            "upload": (60, 60 * 60),
            "upload_ip": (300, 60 * 60),
            "entry": (30, 60 * 60),
            "entry_ip": (150, 60 * 60),
            "update": (20, 60 * 60),
            "update_ip": (100, 60 * 60),
            "token_ip": (60, 60 * 60),
            "block": (60, 60 * 60),
            "block_ip": (300, 60 * 60),
            "report": (20, 60 * 60),
            "report_ip": (100, 60 * 60),
            "report_message": (30, 60 * 60),
            "report_message_ip": (150, 60 * 60),
            # Mention and reply emails to one member about one thread (the rest wait
            # for the digest).
            "thread_email": (1, 15 * 60),
        },
    ),
}
# Behind a reverse proxy set this to the number of proxies that append to
# X-Forwarded-For, so rate limits key on the client and not on the proxy.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
# Who may read /metrics (Prometheus): client addresses as rate limits see them (after
# TRUSTED_PROXY_COUNT), comma-separated. Everyone else gets a 404.
METRICS_ALLOWED = frozenset(
    filter(None, (a.strip() for a in env_str("METRICS_ALLOWED", "127.0.0.1,::1").split(",")))
)

# Django's database sessions, read in plain SQL (every member's request reads one).
SESSION_ENGINE = "ensemble.accounts.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE = SITE_URL.startswith("https://")
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
if SECURE:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0, minimum=0)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Strict CSP: scripts only from our own origin or carrying this response's nonce; no
# inline styles; nothing from a CDN (the site must work offline).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    # Media in a bucket is fetched from the store, through the site's signed redirects.
    "img-src": [CSP.SELF, "data:", "blob:", *media_origin(STORAGE_URL)],
    "media-src": [CSP.SELF, "blob:", *media_origin(STORAGE_URL)],
    "connect-src": [CSP.SELF, *media_origin(STORAGE_URL)],  # waveforms are fetched
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# A finished task is logged at INFO when it took at least this long, at ERROR when it
# failed, and otherwise only at DEBUG (ensemble/core/tasklog.py): the demo's first start
# runs hundreds of tasks, and the console is for what needs a look.
TASK_SLOW_SECONDS = env_int("TASK_SLOW_SECONDS", 10, minimum=0)

LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Everything goes to the root's one handler: Django's own console handler (on
        # with DEBUG) printed each of its lines a second time.
        "django": {"handlers": [], "level": LOG_LEVEL},
        # The worker's start and stop; `ensemble serve` says what runs.
        "django_tasks_db": {"level": "DEBUG" if LOG_LEVEL == "DEBUG" else "WARNING"},
        # rq's worker (TASKS_BACKEND=rq) logs each job twice at INFO; ours logs it once.
        "rq.worker": {"handlers": ["console"], "propagate": False, "level": "WARNING"},
    },
}
CSRF_FAILURE_VIEW = "ensemble.core.views.csrf_failure"
