"""Typed readers for environment variables.

Ensemble is configured only through the environment. Every reader fails loudly, naming
the variable, when a value cannot be understood: a typo in production must stop the
process at start-up, not surface later as odd behaviour.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Any
from urllib.parse import SplitResult, parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean; use true or false.")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={value} must be at least {minimum}.")
    return value


_SIZE_UNITS = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}


def env_size(name: str, default: int, *, minimum: int = 1) -> int:
    """A byte count: plain bytes or with a K, M, G or T suffix (binary units): "500M"."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    text = raw.strip().upper().removesuffix("B").removesuffix("I")
    unit = text[-1:] if text[-1:] in _SIZE_UNITS else ""
    number = text[: len(text) - len(unit)]
    try:
        value = int(float(number) * _SIZE_UNITS[unit])
    except ValueError:
        raise ImproperlyConfigured(
            f"{name}={raw!r} is not a size; write bytes or a number with K, M, G or T."
        ) from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name}={raw!r} must be at least {minimum} bytes.")
    return value


_RATE_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def env_rates(name: str, defaults: dict[str, tuple[int, int]]) -> dict[str, tuple[int, int]]:
    """Rate limits as `scope=attempts/window,…`, the window a number and a unit (s, m,
    h, d; the number may be left out): "comment=20/10m,heart=120/h". Only the scopes
    named change; a scope not in `defaults` is a typo and refused."""
    limits = dict(defaults)
    raw = os.environ.get(name, "")
    for part in filter(None, (p.strip() for p in raw.split(","))):
        scope, _, rate = (s.strip() for s in part.partition("="))
        attempts, _, window = (s.strip().lower() for s in rate.partition("/"))
        if scope not in defaults:
            known = ", ".join(sorted(defaults))
            raise ImproperlyConfigured(f"{name}: unknown limit {scope!r}; known: {known}.")
        unit, number = window[-1:], window[:-1] or "1"
        if not attempts.isdigit() or unit not in _RATE_UNITS or not number.isdigit():
            raise ImproperlyConfigured(
                f"{name}: {part!r} is not a limit; write e.g. {scope}=20/10m (s, m, h or d)."
            )
        seconds = int(number) * _RATE_UNITS[unit]
        if int(attempts) < 1 or seconds < 1:
            raise ImproperlyConfigured(f"{name}: {part!r} must allow at least 1 per second.")
        limits[scope] = (int(attempts), seconds)
    return limits


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = os.environ.get(name, default).strip().lower()
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r} must be one of: {', '.join(choices)}.")
    return value


def site_url(name: str, default: str) -> tuple[str, str]:
    """Return (site_url without trailing slash, host name) from an absolute http(s) URL."""
    raw = os.environ.get(name, default).strip()
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ImproperlyConfigured(
            f"{name}={raw!r} must be an absolute http(s) URL such as https://ensemble.example.org"
        )
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ImproperlyConfigured(f"{name}={raw!r} must not have a path, query or fragment.")
    return f"{parts.scheme}://{parts.netloc}", parts.hostname


# Listening on these means every interface: no single one of them is a link to give out.
WILDCARD_HOSTS = {"0.0.0.0", "::", ""}  # noqa: S104 - compared against, never bound here


def lan_address() -> str:
    """The address other machines on the local network reach this one at: the one the
    default route leaves from (connecting a UDP socket picks it without sending anything).
    127.0.0.1 when there is no network."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            sock.connect(("192.0.2.1", 9))  # a documentation address (RFC 5737)
            address = str(sock.getsockname()[0])
        except OSError:
            return "127.0.0.1"
    return "127.0.0.1" if address in WILDCARD_HOSTS else address


def listen_url(host: str, port: int) -> str:
    """The site's address when SITE_URL is not set: where `ensemble serve` listens.

    Listening on every interface (HOST=0.0.0.0, for phones at a live show) gives the
    machine's address on the local network, since a link to 0.0.0.0 leads nowhere.
    """
    address = lan_address() if host in WILDCARD_HOSTS else host
    if ":" in address:  # an IPv6 address is bracketed in a URL
        address = f"[{address}]"
    return f"http://{address}" if port == 80 else f"http://{address}:{port}"


def _port(parts: SplitResult, name: str, raw: str) -> int | None:
    try:
        return parts.port
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} has an invalid port.") from None


def database_from_url(name: str, default: str, *, base_dir: Path) -> dict[str, Any]:
    """Build a Django DATABASES entry from sqlite:///path or postgres://user:pw@host:port/db.

    SQLite gets WAL, a busy timeout and IMMEDIATE transactions, so that a web process and
    a worker writing at the same time wait for each other instead of failing with
    "database is locked" half-way through a transaction.
    """
    raw = os.environ.get(name, default).strip()
    parts = urlsplit(raw)
    options = dict(parse_qsl(parts.query))
    if parts.scheme == "sqlite":
        # sqlite:///var/db.sqlite3 is relative to the project, sqlite:////abs/path absolute.
        path = unquote(parts.path)
        if not path or path == "/":
            raise ImproperlyConfigured(f"{name}={raw!r} names no database file.")
        file = Path(path[1:])
        if not file.is_absolute():
            file = base_dir / file
        # SQLite creates the file but not its folder; a fresh clone has no var/ yet.
        file.parent.mkdir(parents=True, exist_ok=True)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(file),
            # Reusing connections saves the connect and PRAGMAs, ~1 ms a request.
            "CONN_MAX_AGE": env_int("CONN_MAX_AGE", 60, minimum=0),
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;"
                    "PRAGMA mmap_size=268435456;"
                ),
            },
        }
    if parts.scheme in ("postgres", "postgresql"):
        db_name = unquote(parts.path.lstrip("/"))
        if not db_name:
            raise ImproperlyConfigured(f"{name}={raw!r} names no database.")
        port = _port(parts, name, raw)
        # PostgreSQL's JIT compiles queries it *estimates* to be big; recursive lineage
        # walks are always misestimated, and paid 35-235 ms of compiling for 33 ms of
        # work (docs/benchmarks.md). Off unless the URL sets its own `options`.
        options.setdefault("options", "-c jit=off")
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": db_name,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(port or ""),
            "CONN_MAX_AGE": env_int("CONN_MAX_AGE", 60, minimum=0),
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": options,
            # A test database name that cannot collide with a real one on a shared server.
            "TEST": {"NAME": f"test_{db_name}"},
        }
    raise ImproperlyConfigured(
        f"{name}={raw!r}: use sqlite:///path/to/file.sqlite3 or postgres://user:password@host/db"
    )


def mailer_from_url(name: str, default: str) -> dict[str, Any]:
    """A Django MAILERS entry from file:///folder, console://, locmem://,
    smtp://user:pw@host:port or smtps://…

    file:// writes each message into the folder as a readable .eml file (development);
    smtp:// upgrades with STARTTLS when ?starttls=true; smtps:// uses implicit TLS.
    """
    raw = os.environ.get(name, default).strip()
    parts = urlsplit(raw)
    if parts.scheme == "file":
        folder = unquote(parts.path)
        if parts.netloc or not folder.startswith("/") or folder == "/":
            raise ImproperlyConfigured(
                f"{name}={raw!r}: a mail folder is an absolute path, file:///path/to/mail"
            )
        return {"BACKEND": "ensemble.core.mail.FolderEmailBackend", "OPTIONS": {"folder": folder}}
    if parts.scheme == "console":
        return {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parts.scheme == "locmem":
        return {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if parts.scheme in ("smtp", "smtps"):
        if not parts.hostname:
            raise ImproperlyConfigured(f"{name}={raw!r} names no mail server.")
        query = dict(parse_qsl(parts.query))
        port = _port(parts, name, raw)
        return {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": parts.hostname,
                "port": port or (465 if parts.scheme == "smtps" else 25),
                "username": unquote(parts.username or ""),
                "password": unquote(parts.password or ""),
                "use_ssl": parts.scheme == "smtps",
                "use_tls": query.get("starttls", "false").lower() in TRUE_WORDS,
                "timeout": 20,
            },
        }
    raise ImproperlyConfigured(
        f"{name}={raw!r}: use file:///path/to/folder, console://, "
        "smtp://user:password@host:587?starttls=true or smtps://user:password@host:465"
    )
