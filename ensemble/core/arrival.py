"""Bounding how long a request body may take to arrive, so slow clients cannot hold the site.

granian times out request *headers* (`--http1-header-read-timeout`, from
REQUEST_HEADER_TIMEOUT), but not bodies: `wsgi.input.read(n)` blocks the thread running
the app until n bytes come, for ever if they never do (it waits in Rust, where Python
cannot interrupt it). A dozen sockets that send `Content-Length: 1000` and then six bytes
used to hold every one of granian's threads, and the whole site stopped answering.

`ArrivalGuard` wraps the WSGI application (ensemble/wsgi.py) and, for requests that carry
a body only:

1. Counts it against two budgets, per web process: REQUEST_BODY_SLOTS bodies arriving at
   once in all (fewer than granian's WEB_THREADS, so requests without a body always find
   a thread) and REQUEST_BODIES_PER_ADDRESS from one client address. Over either, it
   answers 503 / 429 with Retry-After at once, without reading.
2. Hands each `read` to a pool of reader threads and waits with a deadline: the body may
   take REQUEST_BODY_TIMEOUT, plus one second per REQUEST_MIN_RATE bytes asked for so far
   (a minimum average rate: a 2 GB upload on a slow line is fine, a trickle is not).
3. Reads a small body (up to 1 MiB) whole before the app sees the request, so Django only
   ever works on requests that have arrived; a bigger one (an upload) streams through,
   each read under the same deadline.

Past the deadline the client gets 408. One thing granian forces on us: the read the
deadline abandoned cannot be cancelled, and returning from the app while it is pending
freezes the whole web process (granian then waits for it holding the GIL). So the 408 is
sent at once, and the thread then waits for that read to end, which it does as soon as
the client sends more or hangs up. Such a request keeps its place in both budgets
meanwhile, so however many a client leaves hanging, the other threads stay free.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from types import TracebackType
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import HttpRequest, UnreadablePostError

from ensemble.core import workslots
from ensemble.core.ratelimit import client_address

logger = logging.getLogger(__name__)

Environ = dict[str, Any]
ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None] | None
StartResponse = Callable[..., Any]
WSGIApp = Callable[[Environ, StartResponse], Iterable[bytes]]


class BodyTimeout(UnreadablePostError, BadRequest):
    """The body did not arrive in time: to Django, an upload broken off (and a bad
    request, not a crash); the client gets 408 whatever the app answered."""


class _Meta:
    """What `client_address` reads of a request: its META, here the WSGI environ."""

    def __init__(self, environ: Environ) -> None:
        self.META = environ


def _has_body(environ: Environ) -> bool:
    if environ.get("HTTP_TRANSFER_ENCODING", "").lower().strip() == "chunked":
        return True
    try:
        return int(environ.get("CONTENT_LENGTH") or 0) > 0
    except ValueError:
        return True  # a malformed length still makes granian wait for a body


class _GuardedInput:
    """`wsgi.input` read with a deadline, one read at a time, in the guard's reader pool."""

    def __init__(self, stream: Any, pool: ThreadPoolExecutor, timeout: float, rate: int) -> None:
        self._stream = stream
        self._pool = pool
        self._timeout = timeout
        self._rate = rate
        self.started = time.monotonic()
        self._pending: Future[bytes] | None = None
        self.received = 0
        self.timed_out = False

    def _call(self, method: str, size: int) -> bytes:
        if self.timed_out:
            raise BodyTimeout("The request body stopped arriving.")
        # The read asked for must be in by the time the minimum rate allows for it.
        asked = size if size > 0 else 64 * 1024
        deadline = self.started + self._timeout + (self.received + asked) / self._rate
        reader = getattr(self._stream, method)
        self._pending = self._pool.submit(reader, size) if size >= 0 else self._pool.submit(reader)
        try:
            with workslots.waiting():  # not working meanwhile: another request may
                data = self._pending.result(timeout=max(0.0, deadline - time.monotonic()))
        except FutureTimeout:
            self.timed_out = True
            raise BodyTimeout("The request body arrived too slowly.") from None
        self.received += len(data)
        return bytes(data)

    def read(self, size: int | None = -1) -> bytes:
        return self._call("read", -1 if size is None else size)

    def readline(self, size: int | None = -1) -> bytes:
        return self._call("readline", -1 if size is None else size)

    def __iter__(self) -> _GuardedInput:
        return self

    def __next__(self) -> bytes:
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    def wait_idle(self) -> None:
        """Wait for the read a deadline abandoned, if any, to end (see the module doc)."""
        if self._pending is not None:
            with contextlib.suppress(Exception):
                self._pending.result()


class ArrivalGuard:
    """WSGI middleware: bodies arrive within their deadline and within the budgets."""

    # Bodies up to this size are read whole before the app runs (see the module doc).
    READ_FIRST = 1024 * 1024

    def __init__(self, app: WSGIApp) -> None:
        self.app = app
        self.timeout = float(settings.REQUEST_BODY_TIMEOUT)
        self.rate = int(settings.REQUEST_MIN_RATE)
        self.slots = int(settings.REQUEST_BODY_SLOTS)
        self.per_address = int(settings.REQUEST_BODIES_PER_ADDRESS)
        # One reader per slot: a request has at most one read outstanding and keeps its
        # slot until that read has ended, so the pool never queues.
        self.pool = ThreadPoolExecutor(max_workers=self.slots, thread_name_prefix="body-reader")
        self._lock = threading.Lock()
        self._arriving = 0
        self._by_address: Counter[str] = Counter()

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        if not _has_body(environ):
            return self.app(environ, start_response)
        address = client_address(cast(HttpRequest, _Meta(environ)))
        refusal = self._admit(address)
        if refusal:
            logger.warning("Refused a request body from %s: %s", address, refusal[2])
            return _answer(environ, start_response, *refusal, retry_after=5)
        body = _GuardedInput(environ["wsgi.input"], self.pool, self.timeout, self.rate)
        try:
            result = self._run(environ, start_response, body)
        except BaseException:
            body.wait_idle()  # never leave granian with a read pending (module doc)
            self._release(address)
            raise
        if not body.timed_out:
            self._release(address)
            return result
        logger.warning(
            "Request body from %s too slow: %d bytes in %.1f s, answered 408",
            address,
            body.received,
            time.monotonic() - body.started,
        )
        detail = "The request took too long to arrive."
        answer = _answer(environ, start_response, 408, detail, "request_timeout")
        return self._after_pending(answer, body, address)

    def _run(
        self, environ: Environ, start_response: StartResponse, body: _GuardedInput
    ) -> Iterable[bytes]:
        length = _content_length(environ)
        if length is not None and length <= self.READ_FIRST:
            try:
                environ["wsgi.input"] = io.BytesIO(body.read(length))
            except BodyTimeout:
                return []
            return self.app(environ, start_response)
        environ["wsgi.input"] = body
        held: list[Any] = []

        def hold(status: str, headers: list[tuple[str, str]], exc_info: ExcInfo = None) -> None:
            held[:] = [status, headers, exc_info]  # passed on once we know it stands

        result = self.app(environ, hold)
        if body.timed_out:
            close = getattr(result, "close", None)
            if close is not None:
                close()
            return []
        start_response(*held)
        return result

    def _after_pending(
        self, answer: list[bytes], body: _GuardedInput, address: str
    ) -> Iterator[bytes]:
        try:
            yield from answer
        finally:
            body.wait_idle()
            self._release(address)

    def _admit(self, address: str) -> tuple[int, str, str] | None:
        with self._lock:
            if self._by_address[address] >= self.per_address:
                return (429, "Too many uploads from your address at once.", "too_many_bodies")
            if self._arriving >= self.slots:
                return (503, "The server is busy receiving other uploads.", "busy")
            self._arriving += 1
            self._by_address[address] += 1
            return None

    def _release(self, address: str) -> None:
        with self._lock:
            self._arriving -= 1
            self._by_address[address] -= 1
            if not self._by_address[address]:
                del self._by_address[address]


def _content_length(environ: Environ) -> int | None:
    try:
        return int(environ.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None


def _answer(
    environ: Environ,
    start_response: StartResponse,
    status: int,
    detail: str,
    code: str,
    *,
    retry_after: int | None = None,
) -> list[bytes]:
    """A short answer in the site's error shape; the connection closes, so an unread
    body is dropped instead of being waited for."""
    reason = {408: "Request Timeout", 429: "Too Many Requests", 503: "Service Unavailable"}
    if str(environ.get("PATH_INFO", "")).startswith("/api/"):
        content = json.dumps({"detail": detail, "code": code}).encode()
        content_type = "application/json"
    else:
        content = detail.encode()
        content_type = "text/plain; charset=utf-8"
    headers = [
        ("Content-Type", content_type),
        ("Content-Length", str(len(content))),
        ("Connection", "close"),
    ]
    if retry_after is not None:
        headers.append(("Retry-After", str(retry_after)))
    start_response(f"{status} {reason[status]}", headers)
    return [content]
