"""Record workflows, shared by pages, API and the import command.

Each function checks its input, then changes the database in one transaction: a refused
upload or edit leaves nothing behind, not a record without a version nor a file without
a row. Processing is queued only once the transaction commits.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.core.files import File
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ensemble.accounts.models import User
from ensemble.core import generations
from ensemble.core.markdown import render_markdown
from ensemble.core.refusals import Refused
from ensemble.core.text import checked_text, clean_description, clean_title
from ensemble.records import access, events, indexing, processing, storage, takedown
from ensemble.records.intake import Examined, display_name, examine
from ensemble.records.models import Licence, Record, Tag, Version
from ensemble.records.uploads import sha256_of

MAX_TAGS = 10
_TAG_SPACE = re.compile(r"\s+")


def clean_licence(licence: str | None) -> str:
    licence = licence or Licence.ACCORD
    if licence not in Licence.values:
        raise Refused(
            f"Unknown licence “{licence}”; choose one of: {', '.join(Licence.values)}.",
            field="licence",
        )
    return licence


def clean_tags(tags: Iterable[str] | str | None) -> list[str]:
    """Lower-case, single-spaced, unique tags; a comma-separated string is accepted too."""
    if tags is None:
        return []
    too_many = Refused(f"A record can have at most {MAX_TAGS} tags.", field="tags")
    if isinstance(tags, str):
        if len(tags) > 50 * MAX_TAGS:
            raise too_many
        tags = tags.split(",")
    cleaned: list[str] = []
    for count, tag in enumerate(tags):
        if count > 10 * MAX_TAGS:  # refuse a flood before looking at all of it
            raise too_many
        name = _TAG_SPACE.sub(" ", str(tag)).strip().lstrip("#").lower()
        if not name:
            continue
        if len(name) > 40:
            raise Refused(f"Tags can be at most 40 characters: “{name[:40]}…”.", field="tags")
        checked_text(name, field="tags", label="tag")
        if name not in cleaned:
            cleaned.append(name)
            if len(cleaned) > MAX_TAGS:
                raise too_many
    return cleaned


def set_tags(record: Record, names: list[str]) -> None:
    existing = {tag.name: tag for tag in Tag.objects.filter(name__in=names)}
    missing = [Tag(name=name) for name in names if name not in existing]
    Tag.objects.bulk_create(missing, ignore_conflicts=True)
    record.tags.set(Tag.objects.filter(name__in=names))


@dataclass(frozen=True)
class Content:
    path: Path
    size: int
    sha256: str
    name: str  # what to call it when offered back; "" for text written on the site


@contextmanager
def _content(upload: File | None, text: str | None) -> Iterator[Content]:
    """The new content on disk, from an uploaded file or a text written on the site."""
    if (upload is None) == (text is None):
        raise Refused("Send either a file or a text, not both or neither.", field="file")
    if text is not None:
        checked_text(text, field="text", label="text", multiline=True)
    if upload is not None:
        with storage.upload_on_disk(upload) as path:
            yield Content(path, int(upload.size or 0), sha256_of(upload), display_name(upload.name))
        return
    data = (text or "").replace("\r\n", "\n").encode("utf-8")
    with storage.text_on_disk(data) as path:
        yield Content(path, len(data), hashlib.sha256(data).hexdigest(), "")


def _add_version(
    record: Record,
    *,
    by: User,
    content: Content,
    examined: Examined,
    change_note: str,
    kept: tuple[str, str],
) -> Version:
    """Count the bytes against the owner's quota and add the version row for the file
    `_keep_original` stored (its folder and name). Runs inside the caller's transaction.
    """
    if not storage.reserve(record.owner, content.size):
        raise storage.over_quota(record.owner, content.size)
    Record.objects.filter(pk=record.pk).update(
        version_count=F("version_count") + 1, updated_at=timezone.now()
    )
    record.refresh_from_db(fields=["version_count", "updated_at"])
    found = examined.found
    version = Version.objects.create(
        record=record,
        number=record.version_count,
        uploaded_by=by,
        change_note=change_note.strip()[:500],
        folder=kept[0],
        original_file=kept[1],
        original_name=content.name or f"{record.title[:200]}{found.extension}",
        size=content.size,
        sha256=content.sha256,
        fmt=found.fmt,
        mime=found.mime,
        label=found.label,
        extension=found.extension,
    )
    processing.enqueue(version)
    return version


def _keep_original(
    owner: User, content: Content, examined: Examined, written: list[str]
) -> tuple[str, str]:
    """Store the upload in a new version folder before the transaction that adds its row
    (an upload to a bucket can take minutes; no transaction may hold locks that long)."""
    return storage.keep_new(owner, content.path, content.size, examined.found.extension, written)


@contextmanager
def _cleanup_on_failure() -> Iterator[list[str]]:
    """Collects version folders written in a transaction; removes them if it fails."""
    folders: list[str] = []
    try:
        yield folders
    except BaseException:
        for folder in folders:
            storage.remove_folder(folder)
        raise


@dataclass(frozen=True)
class Stored:
    """An original already in its version folder (records.direct: a client sent it
    straight to the bucket), examined where it lies."""

    folder: str
    name: str
    content: Content
    examined: Examined


def create_record(
    owner: User,
    *,
    title: str | None,
    description: str | None = "",
    tags: Iterable[str] | str | None = None,
    licence: str | None = None,
    kind: str | None = None,
    upload: File | None = None,
    text: str | None = None,
    stored: Stored | None = None,
    attach: Callable[[Record], None] | None = None,
) -> Record:
    """A new draft record with its first version, queued for processing.

    The file is an `upload`, a `text` written on the site, or one `stored` already. If
    anything is refused, no file is kept (a `stored` one included).
    `attach(record)` runs inside the creating transaction, once the record's kind is
    known: what another app adds to the new record (projects: an upload into a call). If
    it raises, nothing is kept, files included.
    """
    title = clean_title(title)
    description = clean_description(description)
    tag_names = clean_tags(tags)
    licence = clean_licence(licence)
    if kind is not None and kind not in Record.Kind.values:
        raise Refused(f"Unknown kind “{kind}”.", field="kind")
    if text is not None:
        kind = Record.Kind.TEXT
    fields = {
        "title": title,
        "description": description,
        "description_html": render_markdown(description),
        "licence": licence,
    }
    if stored is not None:  # examined for `kind` already, where it lies
        with _cleanup_on_failure() as folders:
            folders.append(stored.folder)
            kept = (stored.folder, stored.name)
            return _new_record(
                owner, fields, tag_names, stored.content, stored.examined, kept, attach
            )
    with _content(upload, text) as content:
        examined = examine(content.path, size=content.size, declared_kind=kind)
        with _cleanup_on_failure() as folders:
            kept = _keep_original(owner, content, examined, folders)
            return _new_record(owner, fields, tag_names, content, examined, kept, attach)


def _new_record(
    owner: User,
    fields: dict[str, str],
    tag_names: list[str],
    content: Content,
    examined: Examined,
    kept: tuple[str, str],
    attach: Callable[[Record], None] | None,
) -> Record:
    with transaction.atomic():
        record = Record.objects.create(owner=owner, kind=examined.kind, **fields)
        set_tags(record, tag_names)
        _add_version(
            record, by=owner, content=content, examined=examined, change_note="", kept=kept
        )
        if attach is not None:
            attach(record)
    return record


def add_version(
    record: Record,
    *,
    by: User,
    upload: File | None = None,
    text: str | None = None,
    change_note: str = "",
    attach: Callable[[Version], None] | None = None,
) -> Version:
    """A new version of the same kind; the record keeps showing the last ready one.

    `attach(version)` runs inside the transaction that adds it (as `create_record`'s):
    if it raises, the version and its file are not kept."""
    access.require_owner(by, record)
    if len(change_note) > 500:
        raise Refused("The change note can be at most 500 characters.", field="change_note")
    checked_text(change_note, field="change_note", label="change note")
    with _content(upload, text) as content:
        examined = examine(content.path, size=content.size, declared_kind=record.kind)
        with _cleanup_on_failure() as folders:
            kept = _keep_original(record.owner, content, examined, folders)
            with transaction.atomic():
                locked = Record.objects.select_for_update().get(pk=record.pk)
                version = _add_version(
                    locked,
                    by=by,
                    content=content,
                    examined=examined,
                    change_note=change_note,
                    kept=kept,
                )
                if attach is not None:
                    attach(version)
    record.refresh_from_db()
    return version


def update_record(
    record: Record,
    *,
    by: User,
    title: str | None = None,
    description: str | None = None,
    tags: Iterable[str] | str | None = None,
    licence: str | None = None,
) -> Record:
    """Change the fields given (None leaves a field as it is)."""
    access.require_owner(by, record)
    changes: dict[str, object] = {}
    if title is not None:
        changes["title"] = clean_title(title)
    if description is not None:
        changes["description"] = clean_description(description)
        changes["description_html"] = render_markdown(str(changes["description"]))
    if licence is not None:
        changes["licence"] = clean_licence(licence)
        if changes["licence"] != record.licence:
            for check in events.licence_changing:
                check(record, str(changes["licence"]))
    tag_names = clean_tags(tags) if tags is not None else None
    with transaction.atomic():
        for name, value in changes.items():
            setattr(record, name, value)
        record.updated_at = timezone.now()
        record.save(update_fields=[*changes, "updated_at"])
        if tag_names is not None:
            set_tags(record, tag_names)
        generations.bump("credits")  # titles and role tags appear in credit rolls
        indexing.reindex(record)
    return record


def publish(record: Record, *, by: User) -> Record:
    """Make a draft public: an explicit act, once there is something ready to show."""
    access.require_owner(by, record)
    if record.is_public:
        return record
    if record.visibility == Record.Visibility.HIDDEN:
        raise Refused(
            f"Moderators hid this record: {record.hidden_reason} You may appeal their "
            "decision from your reports page; only they can show it again.",
            status=409,
            code="hidden",
        )
    if record.current_version_id is None:
        raise Refused(
            "The record has no ready version yet; publish it once processing has finished.",
            status=409,
            code="not_ready",
        )
    now = timezone.now()
    with transaction.atomic():
        Record.objects.filter(pk=record.pk).update(
            visibility=Record.Visibility.PUBLIC, published_at=now, updated_at=now
        )
        record.refresh_from_db()
        generations.bump("credits")  # drafts are left out of others' credit rolls
        indexing.reindex(record)
        for hook in events.record_published:
            hook(record, by)
    return record


def delete_record(record: Record, *, by: User) -> Record:
    """Turn the record into a tombstone: no content, no media, still a node in lineage.

    The files go and their bytes return to the owner's quota; the row keeps its id,
    owner and title so that what was built on it can still say where it came from.
    """
    access.require_owner(by, record)
    if record.is_deleted:
        return record
    now = timezone.now()
    with transaction.atomic():
        versions = list(Version.objects.filter(record=record, purged_at__isnull=True))
        freed = sum(version.size for version in versions)
        Version.objects.filter(pk__in=[v.pk for v in versions]).update(
            purged_at=now, body_html="", metadata={}
        )
        record.description = ""
        record.description_html = ""
        record.deleted_at = now
        record.updated_at = now
        if record.visibility == Record.Visibility.HIDDEN:
            # A tombstone of a once-public record shows its title; this one's title was
            # hidden by moderators, and stays so.
            record.title = takedown.HIDDEN_TITLE
        record.save(
            update_fields=["title", "description", "description_html", "deleted_at", "updated_at"]
        )
        record.tags.clear()
        storage.release(record.owner_id, freed)
        generations.bump("credits")
        indexing.reindex(record)
        folders = [version.folder for version in versions]
        transaction.on_commit(lambda: storage.remove_folders(folders))
    return record
