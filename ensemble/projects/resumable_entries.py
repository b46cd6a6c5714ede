"""Entries that survive a dropped connection: a resumable upload (tus, `records.resumable`)
naming a call in its metadata (`call`, and `resources`, comma-separated record numbers:
all the call's resources when left out) becomes an upload into that call
(`entry_uploads.upload_entry`), as the call page's form makes one. A phone at a live show
(event mode) losing its signal mid-video resumes instead of starting over.

Checked when the upload is created, before any byte is sent: the call exists and the
member may see it, it takes entries now, it takes the kind the client declares, and the
resources named are the call's. Everything else (the kind the bytes turn out to be, the
limit of entries per person, a call closed meanwhile) is checked when the last byte is
here, by `upload_entry` itself; a refusal then refuses the upload with its reason, and
nothing is kept.
"""

from __future__ import annotations

from django.core.files import File

from ensemble.accounts.models import User
from ensemble.core import params
from ensemble.core.refusals import Refused
from ensemble.projects import entry_uploads, services
from ensemble.projects.models import Call
from ensemble.records import events
from ensemble.records.models import Record

KEYS = frozenset({"call", "resources"})


def _call(user: User, raw: str) -> Call:
    number = params.whole(raw.strip())
    call = Call.objects.select_related("project").filter(pk=number).first() if number else None
    if call is None or (
        call.project is not None and not services.can_view_project(user, call.project)
    ):
        raise Refused(f"There is no call {raw[:20]}.", status=404, code="not_found")
    return call


def _resources(metadata: dict[str, str]) -> list[int] | None:
    if "resources" not in metadata:
        return None  # not sent: every resource of the call
    numbers = params.ids(metadata["resources"])
    if numbers is None:
        raise Refused("resources is a comma-separated list of record numbers.", status=400)
    return numbers


def check(user: User, metadata: dict[str, str]) -> dict[str, str]:
    """The upload's entry, refused now if it cannot be one (see the module docstring)."""
    call = _call(user, metadata["call"])
    services.require_open(call)
    kind = metadata.get("kind")
    if kind and call.accepted_kinds and kind not in call.accepted_kinds:
        wanted = ", ".join(Record.Kind(k).label.lower() for k in call.accepted_kinds)
        raise Refused(f"This call takes {wanted}.", code="kind_not_accepted", field="file")
    wanted_resources = _resources(metadata)
    chosen = entry_uploads.resources_chosen(call, wanted_resources)
    if call.requires_resources and not chosen:
        raise Refused(
            "This call asks entries to build on its resources: choose at least one.",
            code="resource_not_cited",
            field="resources",
        )
    kept = {"call": str(call.pk)}
    if wanted_resources is not None:
        kept["resources"] = ",".join(str(n) for n in wanted_resources)
    return kept


def make(user: User, metadata: dict[str, str], file: File) -> Record:
    """The last byte is here: the upload into the call, as the call page makes one."""
    waiting = entry_uploads.upload_entry(
        _call(user, metadata["call"]),
        by=user,
        title=metadata["title"],
        upload=file,
        description=metadata["description"],
        licence=metadata["licence"] or None,
        resource_ids=_resources(metadata),
    )
    return waiting.record


def connect() -> None:
    events.upload_destinations["call"] = events.Destination(KEYS, check, make)
