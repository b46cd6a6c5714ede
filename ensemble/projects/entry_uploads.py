"""Uploading straight into a call, from the call page or event mode's phone page.

The upload becomes a draft record that cites the call's resources and waits, as an
`EntryUpload`, for processing. When its first version is ready (`records.events.version_ready`)
the record is published on the entrant's behalf and entered, dated when it was uploaded.
Every rule of `services.submit_entry` holds; the kind and the per-person limit are
checked inside the transaction that creates the record, so a refused upload leaves
nothing behind, not even its file.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Any

from django.core.files import File
from django.db import transaction

from ensemble.accounts.models import User
from ensemble.core.refusals import Refused
from ensemble.lineage import licences
from ensemble.lineage import services as lineage
from ensemble.lineage.models import Source
from ensemble.notifications.services import notify
from ensemble.projects import services
from ensemble.projects.models import Call, Entry, EntryUpload
from ensemble.records import services as records
from ensemble.records.models import Record


def resources_of(call: Call) -> list[Record]:
    return list(
        Record.objects.public()
        .filter(pk__in=call.resource_links.values("record_id"))
        .select_related("owner")
        .order_by("pk")
    )


def resources_chosen(call: Call, resource_ids: Iterable[int] | None) -> list[Record]:
    """The resources to cite: those asked for (all of them when none are named)."""
    available = resources_of(call)
    if resource_ids is None:
        return available
    wanted = set(resource_ids)
    unknown = wanted - {r.pk for r in available}
    if unknown:
        raise Refused(
            f"Record {min(unknown)} is not one of this call's resources.", field="resources"
        )
    return [r for r in available if r.pk in wanted]


def _usable(resource: Record, owner: User) -> bool:
    """Whether the new work may use the resource's material (or only be inspired by it)."""
    ancestry = lineage.ancestry_for_licence(resource)
    return bool(licences.allowed_licences(ancestry, owner_id=owner.pk))


def _licence_for(used: list[Record], owner: User) -> str | None:
    """The platform default when the resources allow it, else the most open they allow."""
    ancestry = [a for r in used for a in lineage.ancestry_for_licence(r)]
    allowed = licences.allowed_licences(ancestry, owner_id=owner.pk)
    default = records.clean_licence(None)
    return None if not allowed or default in allowed else allowed[0]


def upload_entry(
    call: Call,
    *,
    by: User,
    title: str,
    upload: File | None = None,
    text: str | None = None,
    description: str = "",
    licence: str | None = None,
    resource_ids: Iterable[int] | None = None,
) -> EntryUpload:
    """Make a record from the upload, cite the chosen resources, and enter it once ready."""
    services.require_open(call)
    chosen = resources_chosen(call, resource_ids)
    if call.requires_resources and not chosen:
        raise Refused(
            "This call asks entries to build on its resources: choose at least one.",
            code="resource_not_cited",
            field="resources",
        )
    used = [r for r in chosen if _usable(r, by)]
    if licence is None:
        licence = _licence_for(used, by)
    record = records.create_record(
        by,
        title=title,
        description=description,
        licence=licence,
        upload=upload,
        text=text,
        attach=partial(_attach, call, by=by, chosen=chosen, used=used),
    )
    # `_attach` made it in the record's transaction; the record holds it (no query).
    return record.entry_upload


def _attach(
    call: Call, record: Record, *, by: User, chosen: list[Record], used: list[Record]
) -> None:
    """Inside the transaction that creates the record, once its kind is known: refuse
    what the call does not take, cite the resources, and make the waiting upload."""
    services.require_kind(call, record)
    services.lock_for_entry(call, by)
    for resource in chosen:
        lineage.add_source(
            record,
            resource,
            by=by,
            kind=Source.Kind.USES if resource in used else Source.Kind.INSPIRED_BY,
            note=f"A resource of the call “{call.title}”.",
        )
    EntryUpload.objects.create(call=call, record=record, entrant=by)


def settle(record: Record) -> None:
    """Publish and enter a record uploaded into a call, now that it is ready (the
    `records.events.version_ready` event). A call closed meanwhile keeps the record a draft."""
    waiting = (
        EntryUpload.objects.select_related("call", "entrant")
        .filter(record=record, state=EntryUpload.State.WAITING)
        .first()
    )
    if waiting is None or record.is_deleted:
        return
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=waiting.call_id)
        if call.status != Call.Status.OPEN:
            waiting.move(
                EntryUpload.State.NOT_ENTERED,
                why=f"The call closed before “{record.title}” was processed, so it was not "
                "entered; it stays a draft in your portfolio.",
            )
            notify(waiting.entrant, "entry_upload_not_entered", about=waiting)
            return
        records.publish(record, by=waiting.entrant)
        Entry.objects.create(
            call=call,
            record=record,
            entrant=waiting.entrant,
            created_at=waiting.created_at,
            updated_at=waiting.created_at,
        )
        waiting.move(EntryUpload.State.ENTERED)


def discard(waiting: EntryUpload, *, by: User) -> None:
    """The entrant gives up on an upload (failed, refused, or unwanted); the record stays
    in their portfolio as a draft to delete or reuse."""
    if waiting.entrant_id != by.pk:
        raise Refused("That upload is not yours.", status=403, code="forbidden")
    waiting.move(EntryUpload.State.DISCARDED)


def waiting_for(call: Call, user: Any) -> list[EntryUpload]:
    """A member's uploads into the call not entered yet, with their processing state."""
    if not getattr(user, "is_authenticated", False):
        return []
    rows = list(
        EntryUpload.objects.filter(call=call, entrant=user, record__deleted_at__isnull=True)
        .select_related("record")
        .prefetch_related("record__versions")
        .order_by("-id")
    )
    for row in rows:  # the first version is the only one an upload into a call has
        versions = row.record.versions.all()
        row.version = min(versions, key=lambda v: v.number, default=None)  # type: ignore[attr-defined]
    return rows
