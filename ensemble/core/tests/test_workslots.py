"""Work slots (ensemble/core/workslots.py): at most WEB_WORK_SLOTS requests in Django at
once, the others let in in the order they came, and a request that only waits gives its
slot back meanwhile. The real server with stalled uploads and one slot is in
test_slow_clients.py."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from typing import Any

import pytest

from ensemble.core import workslots
from ensemble.core.workslots import FairSlots, WorkSlots


def _until(condition: Any, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def test_a_freed_slot_goes_to_the_longest_waiter():
    slots = FairSlots(1)
    slots.acquire()
    order: list[int] = []
    threads = []
    for n in range(5):
        thread = threading.Thread(target=lambda n=n: (slots.acquire(), order.append(n)))
        thread.start()
        threads.append(thread)
        _until(lambda n=n: len(slots._waiters) == n + 1)  # queued in this order
    for n in range(5):
        slots.release()  # each handed on: the next waiter works, then frees it
        _until(lambda n=n: len(order) == n + 1)
    for thread in threads:
        thread.join(5)
    assert order == [0, 1, 2, 3, 4]


def test_a_request_arriving_later_does_not_take_a_slot_someone_waits_for():
    slots = FairSlots(1)
    slots.acquire()
    got: list[str] = []
    waiter = threading.Thread(target=lambda: (slots.acquire(), got.append("waiter")))
    waiter.start()
    _until(lambda: len(slots._waiters) == 1)
    slots.release()  # handed to the waiter, not left free
    late = threading.Thread(target=lambda: (slots.acquire(), got.append("late")))
    late.start()
    waiter.join(5)
    _until(lambda: len(slots._waiters) == 1)  # the late one waits its turn
    assert got == ["waiter"]
    slots.release()
    late.join(5)
    assert got == ["waiter", "late"]


def _app_counting(inside: list[int], peak: list[int], lock: threading.Lock, pause: float):
    def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        with lock:
            inside[0] += 1
            peak[0] = max(peak[0], inside[0])
        time.sleep(pause)
        with lock:
            inside[0] -= 1
        start_response("200 OK", [])
        return [b"ok"]

    return app


@pytest.mark.parametrize(("slots", "most"), [(2, 2), (0, 8)])
def test_no_more_requests_work_at_once_than_there_are_slots(settings, slots, most):
    settings.WEB_WORK_SLOTS = slots  # 0: no limit
    inside, peak, lock = [0], [0], threading.Lock()
    guarded = WorkSlots(_app_counting(inside, peak, lock, 0.05))
    threads = [threading.Thread(target=guarded, args=({}, lambda *a: None)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert peak[0] == most


def test_waiting_gives_the_slot_to_another_request_meanwhile(settings):
    settings.WEB_WORK_SLOTS = 1
    waits, other_ran = threading.Event(), threading.Event()

    def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        if environ.get("waits"):
            with workslots.waiting():  # as a body read or an awaited page does
                waits.set()
                assert other_ran.wait(5), "the other request never got the slot"
        else:
            other_ran.set()
        start_response("200 OK", [])
        return [b"ok"]

    guarded = WorkSlots(app)
    waiting = threading.Thread(target=guarded, args=({"waits": True}, lambda *a: None), daemon=True)
    waiting.start()
    assert waits.wait(5)
    other = threading.Thread(target=guarded, args=({}, lambda *a: None), daemon=True)
    other.start()  # gets the one slot while the first only waits
    other.join(5)
    assert not other.is_alive(), "the waiting request kept its slot"
    waiting.join(5)
    assert not waiting.is_alive()
    assert other_ran.is_set()
    assert guarded.slots._free == 1  # both gave it back


def test_a_request_that_fails_gives_its_slot_back(settings):
    settings.WEB_WORK_SLOTS = 1

    def broken(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        raise RuntimeError("the view failed")

    guarded = WorkSlots(broken)
    for _ in range(3):  # would hang on the second if the first kept it
        with pytest.raises(RuntimeError):
            guarded({}, lambda *a: None)
    assert guarded.slots._free == 1
