"""Checks other apps add to records workflows, without records importing them.

`licence_checks`: called as `check(record, new_licence)` before a record's licence
changes; each raises `records.intake.Refused` to stop it (lineage registers the check
that a remix's licence still honours its sources' terms).

`on_publish`: called as `hook(record, by)` inside the transaction that publishes a
record (lineage tells the owners of its sources that their work was used).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ensemble.records.models import Record

licence_checks: list[Callable[[Record, str], None]] = []
on_publish: list[Callable[[Record, Any], None]] = []
