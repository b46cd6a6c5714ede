"""The URLs a page or API response needs to show a version, chosen for the viewer.

Which file plays, which one is offered for download and which thumbnail a card shows
depend on the kind, on what processing made and on who is looking (creators download
the true original; everyone else gets the copy with location data removed).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from django.db.models import Q, Subquery

from ensemble.core.prefetch import related
from ensemble.records import access
from ensemble.records.links import media_url
from ensemble.records.models import CoCreator, Record, Rendition, Version


@dataclass
class Media:
    thumb: str | None = None  # fits 480×480: cards
    thumb_width: int | None = None
    thumb_height: int | None = None
    image: str | None = None  # fits 1600×1600: the record page
    full: str | None = None  # the full-resolution image, for zooming
    poster: str | None = None
    play: str | None = None  # what <audio>/<video> plays
    play_type: str | None = None
    waveform: str | None = None  # JSON peaks
    download: str | None = None
    download_name: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Versions:
    """A record's newest version and the one it shows, read together."""

    latest: Version | None  # what an upload's creators follow while it is processed
    current: Version | None  # the newest ready one: what the record shows


def shown_among(versions: list[Version]) -> Versions:
    """Both from rows one statement read (newest first). The record's `current_version`
    column is not used: read in another statement, it may come from before the worker's
    commit while the versions come from after it ("ready" with nothing to show)."""
    current = next((v for v in versions if v.is_ready and v.purged_at is None), None)
    return Versions(latest=versions[0] if versions else None, current=current)


def versions_of(record: Record) -> Versions:
    """The newest version and the newest ready one, in one statement (a statement sees one
    snapshot on SQLite and PostgreSQL alike), with their renditions: those of a version
    read as ready were committed with that state, so reading them next finds them all."""
    mine = Version.objects.filter(record_id=record.pk)
    newest = mine.order_by("-number").values("pk")[:1]
    newest_ready = mine.filter(state=Version.State.READY).order_by("-number").values("pk")[:1]
    rows = mine.filter(Q(pk=Subquery(newest)) | Q(pk=Subquery(newest_ready)))
    return shown_among(list(rows.order_by("-number").prefetch_related("renditions")))


def card_media(version: Version | None, record: Record, viewer: Any = None) -> Media:
    """Only what a grid card shows: the thumbnail, and for audio and video the player and
    poster. Signing a URL costs ~0.1 ms; a page of 48 cards signing everything spent 20 ms
    on links nobody could click."""
    return media_for(version, record, viewer, card=True)


def media_for(
    version: Version | None, record: Record, viewer: Any = None, *, card: bool = False
) -> Media:
    """URLs for one version; empty when it is not ready, or the record is a tombstone."""
    media = Media()
    if version is None or record.is_deleted or version.purged_at is not None:
        return media
    public = record.is_public
    renditions = {r.role: r for r in related(version, "renditions")}

    def url(role: str, *, attachment: bool = False, name: str = "") -> str:
        return media_url(version, role, public=public, attachment=attachment, name=name)

    plays = bool(version.metadata.get("plays_in_browser"))
    if version.is_ready:
        for role, attr in (
            ("thumb_small", "thumb"),
            ("thumb_large", "image"),
            ("poster", "poster"),
            ("waveform", "waveform"),
        ):
            if card and role in ("thumb_large", "waveform"):
                continue
            if card and role == "poster" and record.kind != "video":
                continue
            if role in renditions:
                setattr(media, attr, url(role, name=renditions[role].file))
        if "thumb_small" in renditions:
            media.thumb_width = renditions["thumb_small"].width
            media.thumb_height = renditions["thumb_small"].height
        if card and record.kind not in ("audio", "video"):
            return media
        if "preview" in renditions:
            media.play = url("preview", name=renditions["preview"].file)
            media.play_type = renditions["preview"].content_type
        elif plays and record.kind in ("audio", "video"):
            # Others play the copy without location data, when processing made one.
            own = access.is_creator(viewer, record) or "download" not in renditions
            media.play = url("original" if own else "download", name=version.original_name)
            media.play_type = version.mime
        if record.kind == "image":
            if "download" in renditions and plays:
                media.full = url("download", name=version.original_name)
            elif plays:
                media.full = url("original", name=version.original_name)
            else:
                media.full = media.image
    if card:
        return media
    creator = access.is_creator(viewer, record)
    if creator or version.is_ready:
        role = "download" if "download" in renditions and not creator else "original"
        media.download = url(role, attachment=True, name=version.original_name)
        media.download_name = version.original_name
    return media


def record_page(record: Record, viewer: Any) -> dict[str, Any]:
    """What records itself shows on a (live) record page: the version shown and its media,
    every version (with the original's download for its creators), the co-creators and
    the viewer's own invitation. `front` adds the other apps' parts."""
    versions = list(
        Version.objects.filter(record=record)
        .select_related("uploaded_by")
        .prefetch_related("renditions")
    )
    is_creator = access.is_creator(viewer, record)
    # What the page shows comes from these rows, not from the record's `current_version`
    # read before them: a worker committing in between would leave "ready" with no work.
    shown = shown_among(versions)
    history = [(v, media_for(v, record, viewer).download if is_creator else None) for v in versions]
    cocreators: list[CoCreator] = list(record.cocreators.all())
    mine = [c for c in cocreators if viewer.is_authenticated and c.user_id == viewer.pk]
    return {
        "record": record,
        "version": shown.current,
        "media": media_for(shown.current, record, viewer),
        "latest": shown.latest,
        "history": history,
        "is_owner": access.is_owner(viewer, record),
        "credited": [c for c in cocreators if c.state == "accepted"],
        "pending": [c for c in cocreators if c.state == "invited"],
        "my_invite": mine[0] if mine else None,
    }


def thumbs_of(records: list[Record]) -> dict[int, str]:
    """Record id → the URL of its card thumbnail, for many records at once (a remix tree
    shows up to 500): two statements reading only the versions and thumbnails needed,
    where `card_media` on each read every rendition of every version (~60 ms for 500).
    The rule is `media_for`'s: the current version of a live record, ready, its files
    not purged, with a small thumbnail."""
    live = {r.current_version_id: r for r in records if r.current_version_id and not r.is_deleted}
    files = dict(
        Rendition.objects.filter(
            version_id__in=list(live),
            role="thumb_small",
            version__state=Version.State.READY,
            version__purged_at__isnull=True,
        ).values_list("version_id", "file")
    )
    versions = Version.objects.filter(pk__in=list(files)).only("pk", "folder")
    return {
        live[v.pk].pk: media_url(v, "thumb_small", public=live[v.pk].is_public, name=files[v.pk])
        for v in versions
    }


PORTFOLIO_SIZE = 12


def creators_of(records: list[Record]) -> frozenset[int]:
    """The owners and accepted co-creators of these records (co-creators prefetched):
    who may see their cards differently from any other member (`media_for` plays an
    audio or video original for them, and the copy for others)."""
    ids: set[int] = set()
    for record in records:
        ids.add(record.owner_id)
        states = access.cocreator_states(record)
        ids.update(uid for uid, state in states.items() if state == "accepted")
    return frozenset(ids)


def portfolio(owner: Any, viewer: Any) -> dict[str, Any]:
    """A profile's newest records of `owner`: public ones, and drafts too when they look
    themselves; `creators`, who may play an original where others play the copy (the
    owner and the accepted co-creators of those shown)."""
    records = Record.objects.alive().by(owner).for_cards()
    mine = getattr(viewer, "pk", None) is not None and viewer.pk == owner.pk
    if not mine:
        records = records.filter(visibility=Record.Visibility.PUBLIC)
    items = list(records[: PORTFOLIO_SIZE + 1])
    shown = items[:PORTFOLIO_SIZE]
    return {
        "cards": [(r, card_media(r.current_version, r, viewer)) for r in shown],
        "more": len(items) > PORTFOLIO_SIZE,
        "owner": owner,
        "mine": mine,
        "creators": creators_of(shown) | {owner.pk},
    }
