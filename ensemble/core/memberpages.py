"""Whole pages for members, each kept for the member and browser that asked for it.

A visitor's page is the same for every visitor (core.pagecache). A member's is theirs
alone: their name, their drafts, their rights, their forms. core.fragments keeps the
parts of it that take the most work; what is left (the frame, the view's own queries)
still costs a few milliseconds on every request, and members reload the same pages
all day: the review grid between decisions, the feed, notifications, a record they
are remixing. `@kept_page` keeps the whole answer of a view, for one member in
one browser, until something it shows changes.

The key names the member and what makes their page theirs:
- the member's id, their session and their CSRF cookie (the page's forms carry a token
  made from that cookie, and are right for that browser only): nobody else is ever
  served it, not even the same member signed in elsewhere;
- the address (host, path and query string) and the language;
- the `pages` generation (core.pagecache), which every write to a table pages show
  renews at its commit: a record made private, a block, a score, a title edited;
- what apps register with `stamp` for what a page's frame shows from tables the
  generation does not watch: notifications registers the member's newest
  notification and unread count, which the header shows.

So a view may be kept only if everything it shows comes from tables the generation
watches, the notification count aside (not sessions, tokens or storage counters), and
if a GET changes nothing. It opts in with the decorator; nothing else is kept. What
changes with time alone ("3 minutes ago") is bounded by `seconds` (by default
MEMBER_PAGE_SECONDS; 0 turns keeping off, as the tests have it unless they test it);
a view whose page changes at a known moment (a call's deadline drops its entry form)
says so with `changes_at`, and its page is kept until then at most.

An answer is kept only if it is an ordinary page for this request alone: a 200 that set
no cookie, did not change the session, queued no message and used no CSP nonce. A
request that may carry a message to show (a `messages` cookie, or messages waiting in
the session), an htmx partial request or a request with a token is always rendered.
"""

from __future__ import annotations

import functools
import hashlib
import math
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

from ensemble.core.pagecache import made_for_this_request, pages_generation

HEADER = "X-Page-Cache"  # "member-hit" or "member-miss", for the tests and operators
_MESSAGES_IN_SESSION = "_messages"  # django.contrib.messages' SessionStorage key


# Each gives a short text that changes whenever the member's frame does (`stamp`).
_STAMPS: list[Callable[[HttpRequest], str]] = []


def stamp(part: Callable[[HttpRequest], str]) -> None:
    """Register a part of every kept page's key (from an app's `ready`): what the
    frame of every member's page shows from a table the `pages` generation does not
    watch, as a text that changes whenever that does."""
    if part not in _STAMPS:
        _STAMPS.append(part)


def kept_page(
    view: Callable[..., HttpResponse] | None = None, *, seconds: int | None = None
) -> Any:
    """Keep `view`'s answers for the member asking (see the module's docstring). Use as
    `@kept_page`, or `@kept_page(seconds=60)` for a page that shows times
    more finely than MEMBER_PAGE_SECONDS would bound them."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def keeping(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            limit = settings.MEMBER_PAGE_SECONDS
            lasting = limit if seconds is None else min(seconds, limit)
            if not lasting or not _keepable_request(request):
                return view(request, *args, **kwargs)
            key = _key(request)
            kept = cache.get(key)
            if kept is not None and _now() < kept["fresh_until"]:
                return _served(request, kept)
            response = view(request, *args, **kwargs)
            now = _now()
            until = min(now + lasting, getattr(request, "_member_page_until", now + lasting))
            if until > now and _keepable_answer(request, response):
                headers = [(n, v) for n, v in response.items() if n != HEADER]
                page = {
                    "content": response.content,
                    "headers": headers,
                    "csrf": bool(request.META.get("CSRF_COOKIE_NEEDS_UPDATE")),
                }
                cache.set(key, {**page, "fresh_until": until}, max(1, math.ceil(until - now)))
                response[HEADER] = "member-miss"
            return response

        return keeping

    return decorate(view) if view is not None else decorate


def changes_at(request: HttpRequest, moment: datetime) -> None:
    """Say that the page being rendered changes at `moment` with time alone (a
    deadline): a kept copy is not served past it. A moment already past changes nothing."""
    when = moment.timestamp()
    if when > _now():
        before = getattr(request, "_member_page_until", when)
        request._member_page_until = min(before, when)  # type: ignore[attr-defined]


def _keepable_request(request: HttpRequest) -> bool:
    meta = request.META
    return (
        request.method == "GET"
        and request.user.is_authenticated
        and "HTTP_HX_REQUEST" not in meta
        and "HTTP_AUTHORIZATION" not in meta
        and not request.COOKIES.get("messages")  # an empty one: deleted, no message
        and _MESSAGES_IN_SESSION not in request.session
    )


def _keepable_answer(request: HttpRequest, response: HttpResponse) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") and _new_csrf_secret(request):
        return False  # its forms carry a token of a cookie this browser does not have yet
    return not made_for_this_request(request)


def _new_csrf_secret(request: HttpRequest) -> bool:
    """Whether rendering made this browser a new CSRF secret (its cookie is then sent
    with the answer), rather than reusing the one its cookie holds (Django sends that
    again too, to renew its expiry)."""
    return request.META.get("CSRF_COOKIE") != request.COOKIES.get(settings.CSRF_COOKIE_NAME)


def _key(request: HttpRequest) -> str:
    browser = (
        request.session.session_key or "",
        request.COOKIES.get(settings.CSRF_COOKIE_NAME, ""),
        f"{request.scheme}://{request.get_host()}{request.get_full_path()}",
        *(part(request) for part in _STAMPS),
    )
    digest = hashlib.blake2b("\n".join(browser).encode(), digest_size=16).hexdigest()
    generation = pages_generation(request)  # the one the page's fragments are keyed by
    return f"memberpage:{generation}:{get_language()}:{request.user.pk}:{digest}"


def _served(request: HttpRequest, kept: dict[str, Any]) -> HttpResponse:
    if kept["csrf"]:  # its forms' tokens are used: renew the cookie as rendering does
        if "CSRF_COOKIE" in request.META:  # the browser's own, as the key holds
            # What `get_token` does with it, without masking a token nobody reads.
            request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
        else:
            get_token(request)
    response = HttpResponse(kept["content"], status=200)
    for name, value in kept["headers"]:
        response[name] = value
    response[HEADER] = "member-hit"
    return response


def _now() -> float:
    return time.time()
