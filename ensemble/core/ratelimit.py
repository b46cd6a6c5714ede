"""Fixed-window rate limits, counted exactly in the database.

Throttles sign-in, sign-up, password checks and emails per client address and per
account. A limit is a named scope in settings.RATE_LIMITS: (attempts, window seconds).

Attempts are counted *before* the work they limit (a password check, an email), with one
atomic upsert, so requests sent in parallel all count and the one over the limit is
refused without doing the work. A caller may `forgive` an attempt that turned out fine
(a correct password), so members are not throttled for signing in.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.db import connection
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ensemble.core.models import RateCounter


class RateLimited(Exception):
    """Raised when a scope's limit is reached; views answer 429 with retry_after."""

    def __init__(self, scope: str, retry_after: int) -> None:
        self.scope = scope
        self.retry_after = retry_after
        minutes = max(1, math.ceil(retry_after / 60))
        unit = "minute" if minutes == 1 else "minutes"
        super().__init__(f"Too many attempts. Please wait {minutes} {unit} and try again.")


@dataclass(frozen=True)
class _Window:
    key: str
    limit: int
    ends: float


def _window(scope: str, subject: str) -> _Window:
    limit, seconds = settings.RATE_LIMITS[scope]
    index = int(time.time() // seconds)
    # Whitespace and case never make a new subject: " Alice@x " is alice@x.
    normal = "".join(subject.split()).lower()
    digest = hashlib.sha256(normal.encode()).hexdigest()[:40]
    return _Window(key=f"{scope}:{digest}:{index}", limit=limit, ends=(index + 1) * seconds)


def _retry_after(window: _Window) -> int:
    return max(1, math.ceil(window.ends - time.time()))


def hit(scope: str, subject: str) -> None:
    """Count one attempt; raise RateLimited if this attempt is over the limit."""
    window = _window(scope, subject)
    q = connection.ops.quote_name
    table, key, count_, expires_at = (
        q(RateCounter._meta.db_table),
        q("key"),
        q("count"),
        q("expires_at"),
    )
    expires = datetime.fromtimestamp(window.ends, tz=UTC)
    with connection.cursor() as cursor:
        # One statement on SQLite and PostgreSQL alike: concurrent hits cannot lose counts.
        cursor.execute(
            f"INSERT INTO {table} ({key}, {count_}, {expires_at}) VALUES (%s, 1, %s) "  # noqa: S608
            f"ON CONFLICT ({key}) DO UPDATE SET {count_} = {table}.{count_} + 1 "
            f"RETURNING {count_}",
            [window.key, connection.ops.adapt_datetimefield_value(expires)],
        )
        count = cursor.fetchone()[0]
    if count == 1:  # a new window: a good moment to drop finished ones
        RateCounter.objects.filter(expires_at__lt=datetime.fromtimestamp(time.time(), UTC)).delete()
    if count > window.limit:
        raise RateLimited(scope, _retry_after(window))


def forgive(scope: str, subject: str) -> None:
    """Take back one counted attempt (it succeeded and should not count against anyone)."""
    window = _window(scope, subject)
    RateCounter.objects.filter(key=window.key, count__gt=0).update(count=F("count") - 1)


def client_address(request: HttpRequest) -> str:
    """Who is asking, for rate limits: the client's address, or its IPv6 /64 network.

    X-Forwarded-For is trusted only as far as the configured proxies. IPv6 clients are
    counted by /64, the block one subscriber usually holds: counting single addresses
    would let them rotate through billions.
    """
    address = str(request.META.get("REMOTE_ADDR", "unknown"))
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [p for p in forwarded if p]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:  # ::ffff:203.0.113.7 is an IPv4 client
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def too_many(request: HttpRequest, error: RateLimited) -> HttpResponse:
    """The 429 page, with Retry-After."""
    response = render(request, "429.html", {"message": str(error)}, status=429)
    response["Retry-After"] = str(error.retry_after)
    return response
