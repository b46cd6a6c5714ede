"""Periodic recovery checks that the worker runs (see `ensemble worker`).

An app registers a function from its AppConfig.ready(); each must be cheap when there
is nothing to do, safe to run in several workers at once, and return how many things
it recovered. Core never imports the apps: they come to it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)

_sweepers: dict[str, Callable[[], int]] = {}


def register(name: str, sweep: Callable[[], int]) -> None:
    _sweepers[name] = sweep


def run_all() -> dict[str, int]:
    """Run every sweeper; one failing is logged and does not stop the others."""
    results: dict[str, int] = {}
    for name, sweep in _sweepers.items():
        try:
            results[name] = sweep()
        except Exception:
            logger.exception("Sweeper %s failed", name)
    return results
