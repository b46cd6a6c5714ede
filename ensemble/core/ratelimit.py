"""Fixed-window rate limits kept in the shared cache.

Used to throttle sign-in, sign-up and password resets per client address and per
account. A limit is a named scope in settings.RATE_LIMITS: (attempts, window seconds).
The cache is shared by every web process (database cache by default, Redis when
configured), so limits hold across processes.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


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
    retry_after: int


def _window(scope: str, subject: str) -> _Window:
    limit, seconds = settings.RATE_LIMITS[scope]
    now = time.time()
    index = int(now // seconds)
    digest = hashlib.sha256(subject.strip().lower().encode()).hexdigest()[:32]
    return _Window(
        key=f"ratelimit:{scope}:{digest}:{index}",
        limit=limit,
        retry_after=max(1, int((index + 1) * seconds - now)),
    )


def check(scope: str, subject: str) -> None:
    """Raise RateLimited if `subject` has used up `scope`, without counting an attempt."""
    window = _window(scope, subject)
    if (cache.get(window.key) or 0) >= window.limit:
        raise RateLimited(scope, window.retry_after)


def hit(scope: str, subject: str) -> None:
    """Count one attempt; raise RateLimited if this attempt is over the limit."""
    window = _window(scope, subject)
    _, seconds = settings.RATE_LIMITS[scope]
    cache.add(window.key, 0, timeout=seconds)
    try:
        count = cache.incr(window.key)
    except ValueError:  # expired between add and incr: start the window again
        cache.set(window.key, 1, timeout=seconds)
        count = 1
    if count > window.limit:
        raise RateLimited(scope, window.retry_after)


def client_ip(request: HttpRequest) -> str:
    """The client's address, trusting X-Forwarded-For only as far as configured proxies."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [p for p in forwarded if p]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return str(request.META.get("REMOTE_ADDR", "unknown"))
