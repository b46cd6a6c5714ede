"""The three things that happen to records that later apps act on, and where resumable
uploads may go.

`records` is below `lineage`, `projects` and the rest and never imports them; when one of
these happens, it calls what those apps connected from their `AppConfig.ready()`, in the
order of `INSTALLED_APPS`. Pages that show several apps do not go through here: the
`front` app above them all imports each app and composes its page itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.core.files import File

    from ensemble.accounts.models import User
    from ensemble.records.models import Record


class Event[**P]:
    """A named list of handlers: apps `connect` them once, the sender calls each in turn
    (`for handler in event: handler(…)`) with the failure handling its moment needs."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._handlers: list[Callable[P, None]] = []

    def connect(self, handler: Callable[P, None]) -> Callable[P, None]:
        self._handlers.append(handler)
        return handler

    def __iter__(self) -> Iterator[Callable[P, None]]:
        return iter(tuple(self._handlers))

    def __repr__(self) -> str:
        return f"<Event {self.name}: {len(self._handlers)} handlers>"


version_ready: Event[[Record]] = Event("version_ready")
"""`handler(record)`: the record's first version became ready, and that was committed.
Sent by the worker (`records.processing`); a handler that raises is logged and the version
stays ready. `projects` publishes and enters a record uploaded straight into a call
(`projects.entry_uploads.settle`)."""

record_published: Event[[Record, User]] = Event("record_published")
"""`handler(record, by)`: a draft became public, inside the transaction that publishes it
(`records.services.publish`), so a handler that raises undoes the publication. `lineage`
tells the owners of the record's sources that their work was used."""

licence_changing: Event[[Record, str]] = Event("licence_changing")
"""`handler(record, new_licence)`: the owner is about to change the record's licence
(`records.services.update_record`, before anything is saved); a handler raises
`core.refusals.Refused` to stop it. `lineage` checks that a remix's new licence still
honours its sources' terms."""


@dataclass(frozen=True)
class Destination:
    """Where a resumable upload goes instead of becoming a bare draft (`records.resumable`),
    named by an upload metadata key: `call` (projects: an entry into a call). `check`
    runs when the upload is created, before any byte is sent, and returns the metadata to
    keep (its own `keys`), or raises `Refused`; `make` runs when the last byte is here and
    makes the record from the file, or raises `Refused` (the upload is then refused with
    the reason, and nothing is kept)."""

    keys: frozenset[str]
    check: Callable[[User, dict[str, str]], dict[str, str]]
    make: Callable[[User, dict[str, str], File], Record]


upload_destinations: dict[str, Destination] = {}
"""Metadata key → its `Destination`; apps add theirs from `AppConfig.ready()`."""
