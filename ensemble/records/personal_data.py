"""What records holds of a member, for `accounts`: their part of an export (their
records with every version and the original files; the sources they cited are
lineage's part), and what erasing the account does to their records."""

from __future__ import annotations

from ensemble.accounts.exports import Part
from ensemble.accounts.models import User
from ensemble.records.models import Record, Version


def collect(user: User) -> Part:
    records = list(
        Record.objects.filter(owner=user).prefetch_related("versions", "tags").order_by("pk")
    )
    part = Part(data=[])
    for record in records:
        versions = []
        for v in sorted(record.versions.all(), key=lambda v: v.number):
            versions.append(
                {
                    "number": v.number,
                    "created_at": v.created_at,
                    "change_note": v.change_note,
                    "file": v.original_name or v.original_file,
                    "size": v.size,
                    "sha256": v.sha256,
                    "state": v.state,
                }
            )
            if v.purged_at is not None:
                part.notes.append(f"Record {record.pk}, version {v.number}: deleted, no file.")
            elif v.state != Version.State.READY:
                part.notes.append(
                    f"Record {record.pk}, version {v.number} was still {v.state} when this "
                    "was made; its original is included as uploaded."
                )
            if v.purged_at is None and v.original_file:  # read as the zip is written
                name = f"records/{record.pk}/v{v.number}-{v.original_name or v.original_file}"
                part.files.append((name, f"{v.folder}/{v.original_file}"))
        part.data.append(
            {
                "id": record.pk,
                "kind": record.kind,
                "title": record.title,
                "description": record.description,
                "tags": [t.name for t in record.tags.all()],
                "licence": record.licence,
                "visibility": record.visibility,
                "created_at": record.created_at,
                "published_at": record.published_at,
                "deleted_at": record.deleted_at,
                "versions": versions,
            }
        )
    return part


def erase(user: User, records_too: bool) -> None:
    """An account deleted (`accounts.deletion`): its records become tombstones (files
    removed, still nodes in lineage) if the member chose so; else they stay, theirs."""
    if not records_too:
        return
    from ensemble.records import services

    for record in Record.objects.filter(owner=user, deleted_at__isnull=True):
        services.delete_record(record, by=user)
