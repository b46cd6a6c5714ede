"""How many requests a web process works on at once: WEB_WORK_SLOTS, in arrival order.

A web process has WEB_THREADS threads (16) so that requests whose bodies are still
arriving, which only wait, never leave pages without a thread (core/arrival.py). But
when all of them have work to do, they take turns at one interpreter lock, and the lock
does not go by turn. On PostgreSQL a request comes back from the network several times
and queues for the lock each time: at 32 connections some requests lost it again and
again, and members' pages had p99s of 90-230 ms where four slots give 50-80 ms at the
same rate (docs/benchmarks.md). A plain semaphore did not help: it lets a newcomer take
a freed slot before those waiting for it.

So `WorkSlots` (WSGI middleware, inside the arrival guard) lets WEB_WORK_SLOTS requests
into Django at a time per process; the others wait for a slot in the order they came,
handed over one by one. The hand-over costs a thread switch, a fifth of the cheapest
pages' rate on SQLite, where queries run in the process and gain nothing from slots:
there the default is 0. A request gives its slot back while it only waits: for its
body to arrive (`_GuardedInput` reads inside `waiting()`), or for a page another
request is rendering (core.pagecache). It gives it back for good when Django has
answered, before the answer is sent, so a slow reader does not hold it either.
0 turns the limit off.
"""

from __future__ import annotations

import contextlib
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.conf import settings

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WSGIApp = Callable[[Environ, StartResponse], Iterable[bytes]]


class FairSlots:
    """A counting semaphore that hands a freed slot to the longest waiter, so a request
    that arrives later cannot take it first."""

    def __init__(self, slots: int) -> None:
        self._free = slots
        self._lock = threading.Lock()
        self._waiters: deque[threading.Lock] = deque()

    def acquire(self) -> None:
        with self._lock:
            if self._free and not self._waiters:
                self._free -= 1
                return
            turn = threading.Lock()
            turn.acquire()
            self._waiters.append(turn)
        turn.acquire()  # released by `release`, which passes its slot on to us

    def release(self) -> None:
        with self._lock:
            if self._waiters:
                self._waiters.popleft().release()
            else:
                self._free += 1


_held = threading.local()  # `slots`: the FairSlots this thread holds one of, if any


@contextlib.contextmanager
def waiting() -> Iterator[None]:
    """Give this thread's slot back while it waits for something other than work (a
    body arriving, a page another request renders), and take a turn again after."""
    slots: FairSlots | None = getattr(_held, "slots", None)
    if slots is None:
        yield
        return
    _held.slots = None
    slots.release()
    try:
        yield
    finally:
        slots.acquire()
        _held.slots = slots


class WorkSlots:
    """WSGI middleware: at most WEB_WORK_SLOTS requests in Django at once (module doc)."""

    def __init__(self, app: WSGIApp) -> None:
        self.app = app
        count = int(settings.WEB_WORK_SLOTS)
        self.slots = FairSlots(count) if count else None

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        if self.slots is None:
            return self.app(environ, start_response)
        self.slots.acquire()
        _held.slots = self.slots
        try:
            return self.app(environ, start_response)
        finally:
            slots = _held.slots
            _held.slots = None
            if slots is not None:  # None only if `waiting` failed to take it back
                slots.release()
