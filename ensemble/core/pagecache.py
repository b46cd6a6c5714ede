"""Whole pages for visitors who are not signed in, kept until the data they show changes.

Most requests to a public site come from people who are not signed in, and they all see
the same page for the same address: the page is rendered once and served from Django's
cache (local memory per process by default; Redis with CACHE_URL) until a write changes
what pages show.

Who: only requests that carry no credentials at all — no session cookie, no messages
cookie, no Authorization header — so a member's page is never stored, and never served
to anyone. Only GET, and not htmx's partial requests.

What is stored: a 200 answer that set no cookie, used no CSRF token or CSP nonce (both
differ per visitor), did not touch the session or queue a message, is not streamed, and
did not opt out with `Cache-Control: private`, `no-cache` or `no-store` (`never_cache`).
A page that cannot be shared is so rendered afresh every time, by construction.

Until when: every statement that writes to a table pages show (`watch_writes`, on every
database connection, whatever wrote it: a view, a task, a command, `QuerySet.update`)
counts one change of the `pages` generation when its transaction commits, and the key
holds the generation: a record made private, a comment removed or a title edited is
never served from the cache after the commit that made it. Tables that no anonymous page
shows (sessions, notifications, tokens, rate counters, tasks) are not watched, so a
visit, which may write some of them, does not empty the cache. A page is also rendered
again once it is PAGE_CACHE_SECONDS old, for what changes with time alone ("3 minutes
ago", trending, a call closing). Either way one request renders it: the others asking
meanwhile wait for it (a missing page) or get the aged one (never one a write changed:
that has a new key).
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

from ensemble.core import generations, workslots

FAMILY = "pages"
# Rows no page a visitor sees is made from; writing them does not change any such page.
UNWATCHED = frozenset(
    {
        "core_generation",
        "core_ratecounter",
        "django_session",
        "django_tasks_database_dbtaskresult",
        "notifications_notification",
        "notifications_preference",
        "accounts_accesstoken",
        "records_storageusage",
    }
)
# The table a write statement changes. A write whose table is not read here (a raw
# statement in another shape) counts as a change of every page.
_WRITE = re.compile(
    r"\b(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+[\"`]?(\w+)",
    re.IGNORECASE,
)
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "TRUNCATE", "MERGE")
_OPT_OUT = ("private", "no-cache", "no-store")
CLAIM_SECONDS = 30  # one request renders a page; held this long at most if it dies
# Others wait for it while its claim stands, this long at most (a claim left by a
# process killed mid-render, in a cache shared by processes), then render their own.
AWAIT_SECONDS = 10.0
AWAIT_STEP = 0.01
# Answers that are never worth keeping: the health check must cost nothing and say
# whether this process answers, not what a cache holds.
_PASSED_BY = frozenset({"/healthz"})


_migrating = False  # the generation's table may not exist yet; post_migrate renews all


def _bump() -> None:
    generations.bump(FAMILY)


def migrating(**_: Any) -> None:
    """`pre_migrate` receiver: stop counting writes until the schema is complete."""
    global _migrating
    _migrating = True


def migrated(**_: Any) -> None:
    """`post_migrate` receiver: count the migration's writes as one change."""
    global _migrating
    _migrating = False
    _bump()


def _changed(connection: Any) -> None:
    """Count a change when the writing transaction commits (now, outside one); once per
    transaction however many rows it writes: a count already registered where no
    savepoint rollback can drop it without dropping this write too stands for it."""
    if not connection.in_atomic_block:
        _bump()
        return
    active = set(connection.savepoint_ids)
    if not any(f is _bump and ids <= active for ids, f, _ in connection.run_on_commit):
        connection.on_commit(_bump)


def watch_writes(
    execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
) -> Any:
    """A database execute wrapper (installed by `install`): writes to watched tables
    renew the `pages` generation."""
    result = execute(sql, params, many, context)
    if _migrating:
        return result
    head = sql.lstrip()[:8].upper()
    if head.startswith(_WRITES):
        match = _WRITE.match(sql.lstrip())
        if match is None or match.group(1).lower() not in UNWATCHED:
            _changed(context["connection"])
    elif head.startswith("WITH"):  # a read, unless a write follows the common table
        match = _WRITE.search(sql)
        if match is not None and match.group(1).lower() not in UNWATCHED:
            _changed(context["connection"])
    return result


def install(connection: Any, **_: Any) -> None:
    """`connection_created` receiver: watch this connection's writes (once)."""
    if watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(watch_writes)


def _anonymous(request: HttpRequest) -> bool:
    cookies = request.COOKIES
    return (
        request.method == "GET"
        and request.path not in _PASSED_BY
        and settings.SESSION_COOKIE_NAME not in cookies
        and "messages" not in cookies
        and "HTTP_AUTHORIZATION" not in request.META
        and "HTTP_HX_REQUEST" not in request.META
    )


def _shareable(request: HttpRequest, response: HttpResponse) -> bool:
    """Whether this answer is the same for every visitor (see the module's docstring)."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    control = response.get("Cache-Control", "").lower()
    if any(word in control for word in _OPT_OUT):
        return False
    meta = request.META
    if meta.get("CSRF_COOKIE_NEEDS_UPDATE") or meta.get("CSRF_COOKIE_USED"):
        return False
    return not made_for_this_request(request)


def made_for_this_request(request: HttpRequest) -> bool:
    """Whether rendering used what is this request's alone, so that its answer must not
    be served again (here, or for a member by core.memberpages): a CSP nonce, a change
    to the session, a message queued for the next page."""
    if getattr(request, "_csp_nonce", None):  # a LazyNonce is true once generated
        return True
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return True
    messages = getattr(request, "_messages", None)
    return bool(getattr(messages, "_queued_messages", None))


def pages_generation(request: HttpRequest) -> int:
    """The `pages` generation, read once per request whatever keys it (the fragments of
    a page and the page kept whole must hold the same one)."""
    generation = getattr(request, "_pages_generation", None)
    if generation is None:
        generation = generations.current(FAMILY)
        request._pages_generation = generation  # type: ignore[attr-defined]
    return int(generation)


def _key(request: HttpRequest, generation: int) -> str:
    where = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    digest = hashlib.blake2b(where.encode(), digest_size=16).hexdigest()
    return f"pagecache:{generation}:{get_language()}:{digest}"


class AnonymousPageCacheMiddleware:
    """Serve and keep visitors' pages (the module's docstring says which). Last in
    MIDDLEWARE, so security headers, CSP and the rest are added afresh to every answer."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        seconds = settings.PAGE_CACHE_SECONDS
        if not seconds or not _anonymous(request):
            return self.get_response(request)
        key = _key(request, generations.current(FAMILY))
        kept = cache.get(key)
        claimed = False
        if kept is None:  # missing: render it, or wait for the request rendering it
            claimed = _claim(key)
            kept = None if claimed else _awaited(key)
        elif not kept.get("unshared") and _now() >= kept["fresh_until"]:
            claimed = _claim(key)  # aged: render it again, unless another request does
        if kept is not None and kept.get("unshared"):
            return self.get_response(request)
        if kept is not None and not claimed:
            response = HttpResponse(kept["content"], status=200)
            for name, value in kept["headers"]:
                response[name] = value
            response["X-Page-Cache"] = "hit" if _now() < kept["fresh_until"] else "stale"
        else:
            response = self._render(request, key, seconds, claimed=claimed)
        # A shared HTTP cache must not hand this visitor's page to a member either.
        patch_vary_headers(response, ("Cookie", "Authorization"))
        return response

    def _render(
        self, request: HttpRequest, key: str, seconds: int, *, claimed: bool
    ) -> HttpResponse:
        """Render the page and keep it, or remember for a while that this address is
        not one to share (the others asking then render their own, without waiting)."""
        try:
            response = self.get_response(request)
            if not _shareable(request, response):
                cache.set(key, {"unshared": True}, seconds)
                return response
            headers = [(n, v) for n, v in response.items() if n.lower() != "x-page-cache"]
            page = {"content": response.content, "headers": headers}
            cache.set(key, {**page, "fresh_until": _now() + seconds}, seconds * 2)
            response["X-Page-Cache"] = "miss"
            return response
        finally:
            if claimed:
                cache.delete(f"{key}:rendering")


def _now() -> float:
    return time.time()


def _claim(key: str) -> bool:
    """Whether this request is the one to render the page, missing or aged: the first to
    ask is. Meanwhile the others wait for a missing page (`_awaited`) and are served an
    aged one (kept under the same generation, so no write has changed it), instead of
    all rendering it at once: the deepest lineage's credits, rendered by 32 requests
    together, had a p99 of 3.6 s (docs/benchmarks.md). Held at most CLAIM_SECONDS."""
    return bool(cache.add(f"{key}:rendering", 1, CLAIM_SECONDS))


def _awaited(key: str) -> dict[str, Any] | None:
    """The page another request is rendering, once kept; None, for this request to
    render its own, once the claim is gone without a page (that rendering failed, or
    found the page not to share, which is then kept as such) or after AWAIT_SECONDS.

    Waiting as long as the rendering takes matters most when it is slow: a page whose
    first rendering took longer than a fixed wait (2 s, at first) under load was then
    rendered by every waiter at once, on the same cores, each slower still."""
    claim = f"{key}:rendering"
    deadline = time.monotonic() + AWAIT_SECONDS
    with workslots.waiting():  # the rendering request may need this one's work slot
        while time.monotonic() < deadline:
            time.sleep(AWAIT_STEP)
            found = cache.get_many([key, claim])  # one round trip with a shared cache
            if key in found:
                return found[key]
            if claim not in found:
                return cache.get(key)  # kept between the two reads, or not at all
    return None
