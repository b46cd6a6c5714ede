"""Fixed-window rate limits, counted exactly in the database.

Throttles sign-in, sign-up, password checks and emails per client address and per
account, and every kind of write (comments, hearts, uploads, …) per member and per
address. A limit is a named scope in settings.RATE_LIMITS: (attempts, window seconds).

Writes go through one door, `limit_write(request, kind)`: it counts the write against
the scope `kind` for the member and `kind_ip` for the client address (each only if
configured) and raises RateLimited, which the API answers as 429 with Retry-After.
Page views take the `@limited(kind)` decorator, which answers the 429 page instead.

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
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import wraps
from typing import Any

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


def hit(scope: str, subject: str, *, enforce: bool = True, cost: int = 1) -> int:
    """Count one attempt (or `cost` of them: a comment naming five people is five
    mentions); raise RateLimited if this attempt is over the limit.

    Returns the attempt's number in its window. With `enforce=False` nothing is raised:
    the caller decides (sign-in lets an address that has not been failing through a
    busy per-account limit) and refuses with `refusal`.
    """
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
            f"INSERT INTO {table} ({key}, {count_}, {expires_at}) VALUES (%s, %s, %s) "  # noqa: S608
            f"ON CONFLICT ({key}) DO UPDATE SET {count_} = {table}.{count_} + %s "
            f"RETURNING {count_}",
            [window.key, cost, connection.ops.adapt_datetimefield_value(expires), cost],
        )
        count = cursor.fetchone()[0]
    if count == cost:  # a new window: a good moment to drop finished ones
        RateCounter.objects.filter(expires_at__lt=datetime.fromtimestamp(time.time(), UTC)).delete()
    if enforce and count > window.limit:
        raise RateLimited(scope, _retry_after(window))
    return int(count)


def allow(scope: str, subject: str) -> bool:
    """Count one attempt and say whether it is within the limit, for callers that do
    something else rather than refuse (an email held back for the digest)."""
    return not over_limit(scope, hit(scope, subject, enforce=False))


def over_limit(scope: str, count: int) -> bool:
    """Whether an attempt numbered `count` (from `hit`) is past the scope's limit."""
    return count > settings.RATE_LIMITS[scope][0]


def refusal(scope: str, subject: str) -> RateLimited:
    """The error for a caller that enforces a scope itself, with its window's Retry-After."""
    return RateLimited(scope, _retry_after(_window(scope, subject)))


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
    """The 429 page, with Retry-After; htmx requests get only its message, to show in
    place of what they asked for."""
    name = "429.html#message" if request.headers.get("HX-Request") else "429.html"
    response = render(request, name, {"message": str(error)}, status=429)
    response["Retry-After"] = str(error.retry_after)
    return response


def limit_write(request: HttpRequest, kind: str, *, cost: int = 1) -> None:
    """Count one write of `kind` for the member (scope `kind`) and for the client's
    address (scope `kind_ip`); raise RateLimited when either is over its limit.

    Called before the write, so a refused request changes nothing. The address limit
    is higher than the member's: one address may be a room full of people (a live show
    in event mode, a school), while one member flooding is the usual case.
    """
    limits = settings.RATE_LIMITS
    user = getattr(request, "auth", None) or getattr(request, "user", None)
    user_id = getattr(user, "pk", None) if getattr(user, "is_authenticated", False) else None
    if kind in limits and user_id is not None:
        hit(kind, f"user:{user_id}", cost=cost)
    if f"{kind}_ip" in limits:
        hit(f"{kind}_ip", client_address(request), cost=cost)


_SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def limited(kind: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """A page view's `limit_write`: posts over the limit get the 429 page and never
    reach the view; reading the page (GET) is not a write and is never counted.

    API endpoints call `limit_write` themselves, first thing: the API's error handler
    answers RateLimited in JSON (a decorator would hide their typed signature).
    """

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in _SAFE_METHODS:
                try:
                    limit_write(request, kind)
                except RateLimited as error:
                    return too_many(request, error)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
