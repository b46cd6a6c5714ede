"""Citing sources: the checks (self, cycles, duplicates, visibility, licences) and the
writes, serialized so that two requests at once can never close a cycle together."""

from __future__ import annotations

from django.db import connection, transaction

from ensemble.accounts.models import User
from ensemble.core import generations
from ensemble.core.refusals import Refused
from ensemble.core.text import checked_text
from ensemble.lineage import graph, licences
from ensemble.lineage.models import Source
from ensemble.notifications.services import notify
from ensemble.records import access
from ensemble.records.models import Record

# Any number unique to this lock; PostgreSQL advisory locks are keyed by integers.
_EDGE_LOCK = 0x4C494E45  # "LINE"


def _lock_the_graph() -> None:
    """Serialize edge inserts for the rest of the transaction.

    A cycle check reads the graph, then the insert writes it: two transactions adding
    A→B and B→A would each see no cycle. On PostgreSQL a transaction-scoped advisory
    lock makes them take turns; SQLite's IMMEDIATE transactions already do.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_EDGE_LOCK])


def ancestry_for_licence(source: Record) -> list[licences.Ancestor]:
    """The source and its ancestors through `uses` edges, each under the terms it was
    cited with (the source itself under its licence today)."""
    ids = graph.reachable(source.pk, "ancestors", uses_only=True)
    cited_terms = dict(
        Source.objects.filter(
            source_id__in=ids, derived_id__in=[source.pk, *ids], kind=Source.Kind.USES
        )
        .order_by("source_id", "-created_at")
        .values_list("source_id", "source_licence")
    )
    rows = Record.objects.filter(pk__in=[source.pk, *ids]).select_related("owner")
    return [
        licences.Ancestor(
            record_id=r.pk,
            title=r.title,
            owner_id=r.owner_id,
            owner_name=r.owner.name,
            licence=r.licence if r.pk == source.pk else cited_terms.get(r.pk, r.licence),
        )
        for r in rows
    ]


def clean_range(start: float | None, end: float | None) -> tuple[float | None, float | None]:
    for value in (start, end):
        if value is not None and not (0 <= value < 10 * 24 * 3600):
            raise Refused("Times in the source must be between 0 and 240 hours.", field="start")
    if start is not None and end is not None and end <= start:
        raise Refused("The end of the range must come after its start.", field="end")
    return start, end


def add_source(
    derived: Record,
    source: Record,
    *,
    by: User,
    kind: str = Source.Kind.USES,
    note: str,
    part: str = "",
    start_seconds: float | None = None,
    end_seconds: float | None = None,
) -> Source:
    """Cite `source` in `derived`. Refused, with the reason, for: a record citing itself,
    an edge that would close a cycle (the path is named), a duplicate, a source the
    citer cannot see or that was removed, and licence terms the ancestry forbids."""
    access.require_owner(by, derived)
    return _cite(
        derived,
        source,
        by=by,
        kind=kind,
        note=note,
        part=part,
        start_seconds=start_seconds,
        end_seconds=end_seconds,
        told_by=by,
    )


def add_missing_credit(derived: Record, source: Record, *, by: User, note: str) -> Source:
    """Moderators cite an original its owner left out (a rights report upheld: the
    moderation app decides who may). The same rules as `add_source` but who may; the
    original's owner hears of it from the moderators as a team, not by name."""
    if derived.is_deleted:
        raise Refused("The reported record was removed meanwhile.", status=409, code="gone")
    return _cite(derived, source, by=by, kind=Source.Kind.USES, note=note, told_by=None)


def _cite(
    derived: Record,
    source: Record,
    *,
    by: User,
    kind: str,
    note: str,
    part: str = "",
    start_seconds: float | None = None,
    end_seconds: float | None = None,
    told_by: User | None,
) -> Source:
    note = (note or "").strip()
    if not note:
        raise Refused("Say what you used from the source (or how it inspired you).", field="note")
    if len(note) > 500 or len(part) > 200:
        raise Refused("The note can be at most 500 characters, the part 200.", field="note")
    checked_text(note, field="note", label="note")
    checked_text(part, field="part", label="part")
    if kind not in Source.Kind.values:
        raise Refused(f"Unknown kind “{kind}”; use uses or inspired_by.", field="kind")
    start_seconds, end_seconds = clean_range(start_seconds, end_seconds)
    if source.pk == derived.pk:
        raise Refused("A record cannot be its own source.", code="self_source", field="source")
    if source.is_deleted:
        raise Refused("That record was removed; it cannot be cited any more.", code="gone")
    if not access.can_view(by, source):
        raise Refused("There is no record with that number.", status=404, code="not_found")
    with transaction.atomic():
        _lock_the_graph()
        if Source.objects.filter(derived=derived, source=source).exists():
            raise Refused(
                f"“{source.title}” is already a source of this record.",
                status=409,
                code="duplicate_source",
            )
        if graph.is_ancestor(derived.pk, source.pk):
            raise Refused(_cycle_message(derived, source), status=409, code="cycle")
        if kind == Source.Kind.USES:
            found = licences.conflicts(
                ancestry_for_licence(source), licence=derived.licence, owner_id=derived.owner_id
            )
            if found:
                raise Refused(found[0].message, status=409, code="licence_conflict")
        edge = Source.objects.create(
            derived=derived,
            source=source,
            source_owner_id=source.owner_id,  # for the home feed (see the model)
            kind=kind,
            note=note,
            part=part.strip(),
            start_seconds=start_seconds,
            end_seconds=end_seconds,
            source_version=source.current_version,
            source_licence=source.licence,
            created_by=by,
        )
        generations.bump("credits")
        if derived.is_public:
            notify(source.owner, "cited", actor=told_by, about=edge)
    return edge


def _cycle_message(derived: Record, source: Record) -> str:
    chain = graph.path_up(source.pk, derived.pk)
    titles = dict(Record.objects.filter(pk__in=chain).values_list("pk", "title"))
    path = " → ".join(f"“{titles.get(pk, pk)}”" for pk in chain)
    return (
        f"That would make a loop: “{source.title}” already comes from this record "
        f"({path}). A work cannot be its own ancestor."
    )


def update_source(
    edge: Source,
    *,
    by: User,
    note: str | None = None,
    part: str | None = None,
    start_seconds: float | None = None,
    end_seconds: float | None = None,
) -> Source:
    """Change what a citation says was used (the note, the part, the time range).

    The kind and the source stay: changing those is a new citation, checked again.
    """
    access.require_owner(by, edge.derived)
    if note is not None:
        note = note.strip()
        if not note:
            raise Refused("Say what you used from the source.", field="note")
        if len(note) > 500:
            raise Refused("The note can be at most 500 characters.", field="note")
        edge.note = checked_text(note, field="note", label="note")
    if part is not None:
        if len(part) > 200:
            raise Refused("The part can be at most 200 characters.", field="part")
        edge.part = checked_text(part.strip(), field="part", label="part")
    edge.start_seconds, edge.end_seconds = clean_range(start_seconds, end_seconds)
    with transaction.atomic():
        edge.save(update_fields=["note", "part", "start_seconds", "end_seconds"])
        generations.bump("credits")  # the note is the source's description in JSON-LD
    return edge


def withdraw_missing_credit(edge_id: int) -> bool:
    """Take back a citation `add_missing_credit` made (an appeal granted)."""
    with transaction.atomic():
        removed, _ = Source.objects.filter(pk=edge_id).delete()
        generations.bump("credits")
    return bool(removed)


def remove_source(edge: Source, *, by: User) -> None:
    access.require_owner(by, edge.derived)
    with transaction.atomic():
        edge.delete()
        generations.bump("credits")


def check_licence_change(record: Record, licence: str) -> None:
    """A remix may change its licence only to one its `uses` ancestry allows."""
    ancestry: list[licences.Ancestor] = []
    for edge in Source.objects.filter(derived=record, kind=Source.Kind.USES).select_related(
        "source__owner"
    ):
        ancestry.extend(ancestry_for_licence_cited(edge))
    found = licences.conflicts(ancestry, licence=licence, owner_id=record.owner_id)
    if found:
        raise Refused(found[0].message, status=409, code="licence_conflict", field="licence")


def ancestry_for_licence_cited(edge: Source) -> list[licences.Ancestor]:
    """Like `ancestry_for_licence`, but the source itself under the terms of the edge."""
    ancestry = ancestry_for_licence(edge.source)
    return [
        licences.Ancestor(a.record_id, a.title, a.owner_id, a.owner_name, edge.source_licence)
        if a.record_id == edge.source_id
        else a
        for a in ancestry
    ]


def tell_sources_on_publish(record: Record, by: User) -> None:
    """When a remix goes public, the owners of what it cites hear about it (drafts are
    private, so citing from a draft notifies nobody until then)."""
    for edge in Source.objects.filter(derived=record).select_related("source__owner"):
        notify(edge.source.owner, "cited", actor=by, about=edge)
