"""Entries: enter, withdraw, decide (logged, told), score; who sees which entries."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from ensemble.accounts import blocks
from ensemble.accounts.models import User
from ensemble.core.params import whole
from ensemble.core.refusals import Refused
from ensemble.core.text import checked_text
from ensemble.lineage import graph
from ensemble.notifications.services import notify
from ensemble.projects.models import (
    Call,
    Entry,
    EntryUpload,
    Score,
)
from ensemble.projects.services.access import can_view_project, is_leader, require_leader
from ensemble.records.models import Record

# ---------------------------------------------------------------- entries


def require_open(call: Call) -> None:
    """Refuse an entry once the call's deadline has passed or it was closed."""
    if not call.accepts_entries:
        raise Refused(
            "This call does not take entries any more: its deadline has passed."
            if call.status == Call.Status.OPEN
            else f"This call is {call.status}; it does not take entries.",
            status=409,
            code="call_closed",
        )


def require_kind(call: Call, record: Record) -> None:
    if call.accepted_kinds and record.kind not in call.accepted_kinds:
        wanted = ", ".join(Record.Kind(k).label.lower() for k in call.accepted_kinds)
        raise Refused(
            f"This call takes {wanted}; “{record.title}” is {record.get_kind_display().lower()}.",
            code="kind_not_accepted",
        )


def lock_for_entry(call: Call, by: User) -> None:
    """Take the call's lock (one entrant at a time) and refuse one entry too many: entries
    not withdrawn plus uploads still being processed. Call inside a transaction."""
    Call.objects.select_for_update().filter(pk=call.pk).first()
    mine = Entry.objects.filter(call=call, entrant=by).exclude(state=Entry.State.WITHDRAWN)
    waiting = EntryUpload.objects.filter(
        call=call, entrant=by, state=EntryUpload.State.WAITING, record__deleted_at__isnull=True
    )
    if mine.count() + waiting.count() >= call.max_entries_per_person:
        raise Refused(
            f"This call takes at most {call.max_entries_per_person} entries per person.",
            status=409,
            code="entry_limit",
        )


def submit_entry(call: Call, *, by: User, record: Record) -> Entry:
    """Enter a record in a call. Refused, with the reason: after the deadline or once
    the call closed; a record that is not yours, removed, not public, of a kind the call
    does not take, or not citing a resource the call requires; a duplicate; one over
    the per-person limit."""
    require_open(call)
    if record.owner_id != by.pk:
        raise Refused("You can only enter your own records.", status=403, code="forbidden")
    owner = call.project.owner_id if call.project is not None else None
    blocks.refuse_if_blocked([owner, call.created_by_id], by, "enter this call")
    if record.is_deleted:
        raise Refused("That record was deleted.", status=410, code="gone")
    if not record.is_public:
        raise Refused(
            "Publish the record before entering it: leaders and, once the call allows, "
            "everyone need to see it.",
            code="not_public",
        )
    require_kind(call, record)
    if call.requires_resources:
        required = set(call.resource_links.values_list("record_id", flat=True))
        if not required & set(graph.reachable(record.pk, "ancestors")):
            raise Refused(
                "This call asks entries to build on its resources: cite at least one of "
                "them as a source first.",
                code="resource_not_cited",
            )
    with transaction.atomic():
        Call.objects.select_for_update().filter(pk=call.pk).first()  # one entrant at a time
        if Entry.objects.filter(call=call, record=record).exists():
            raise Refused("This record is already entered.", status=409, code="duplicate_entry")
        lock_for_entry(call, by)
        return Entry.objects.create(call=call, record=record, entrant=by)


def withdraw_entry(entry: Entry, *, by: User) -> Entry:
    if entry.entrant_id != by.pk:
        raise Refused("Only the entrant can withdraw an entry.", status=403, code="forbidden")
    if entry.call.status != Call.Status.OPEN:
        raise Refused("The call is closed; its entries stay as they are.", status=409)
    Entry.move([entry], Entry.State.WITHDRAWN, by=by)
    return entry


def decide(entries: Iterable[Entry], *, by: User, state: str, note: str = "") -> list[Entry]:
    """Move entries of one call to `state`, logging who, when, from what and why, and
    telling each entrant. All or nothing: one entry that cannot move refuses them all."""
    entries = list(entries)
    if not entries:
        return []
    if state not in Entry.REVIEW_STATES:
        raise Refused(f"Entries cannot be made “{state}” by a decision.", field="state")
    note = checked_text((note or "").strip(), field="note", label="note", multiline=True)
    if len(note) > 2000:
        raise Refused("The note can be at most 2,000 characters.", field="note")
    calls = {e.call_id for e in entries}
    if len(calls) > 1:
        raise Refused("Decide on the entries of one call at a time.", field="entries")
    call = entries[0].call
    require_leader(by, call.project, what="review entries")
    if call.status != Call.Status.OPEN:
        raise Refused(f"The call is {call.status}: its decisions are final.", status=409)
    with transaction.atomic():
        for entry, decision in Entry.move(entries, state, by=by, why=note):
            # About the decision, not the entry: the message keeps the state it was
            # moved to and the leaders' note, whatever happens to the entry later.
            notify(entry.entrant, "entry_decided", actor=by, about=decision)
    return entries


def score(entry: Entry, *, by: User, value: int) -> Score:
    require_leader(by, entry.call.project, what="score entries")
    if not isinstance(value, int) or not 1 <= value <= 5:
        raise Refused("A score is a whole number from 1 to 5.", field="value")
    with transaction.atomic():
        existing = Score.objects.select_for_update().filter(entry=entry, reviewer=by).first()
        if existing is None:
            made = Score.objects.create(entry=entry, reviewer=by, value=value)
            Entry.objects.filter(pk=entry.pk).update(
                score_count=F("score_count") + 1, score_total=F("score_total") + value
            )
            return made
        Entry.objects.filter(pk=entry.pk).update(
            score_total=F("score_total") - existing.value + value
        )
        existing.value = value
        existing.updated_at = timezone.now()
        existing.save(update_fields=["value", "updated_at"])
        return existing


# ---------------------------------------------------------------- who sees entries


def visible_entries(call: Call, viewer: Any, *, leader: bool | None = None) -> Any:
    """The call's entries this viewer may see: all of them for leaders; the entrant's
    own while a sealed call is open; everyone's (withdrawn aside) otherwise. `leader`:
    whether the viewer leads the call's project, when the caller knows already (else it
    is looked up). Which entries, not what is shown of them: see `gallery.for_cards`.
    An entry whose record moderators hid is its entrant's alone, the leaders' included."""
    mine = Q(entrant_id=getattr(viewer, "pk", None) or 0)
    entries = Entry.objects.filter(call=call).exclude(
        Q(record__visibility=Record.Visibility.HIDDEN) & ~mine
    )
    if leader is None:
        leader = is_leader(viewer, call.project)
    if leader:
        return entries
    entries = entries.exclude(state=Entry.State.WITHDRAWN)
    if call.is_sealed_now:
        if viewer is None or not viewer.is_authenticated:
            return entries.none()
        return entries.filter(entrant=viewer)
    return entries


def names_hidden_from(viewer: Any, call: Call) -> bool:
    """Blind review: while the call is open, entries show no names and no way to their
    records (which name their owners). From everyone, not only the leaders: a reviewer
    could otherwise read them signed out. Each entrant still sees their own (callers
    compare the entrant with the viewer)."""
    return call.blind_review and call.status == Call.Status.OPEN


def entered_in(records: Any, call_id: str, viewer: Any) -> Any:
    """Browse's and `GET /records`' `call` filter: the records entered in that call that
    this viewer may see as entries (`visible_entries`). A number that names no call, or
    a call of a project the viewer may not see, narrows to nothing: the same answer,
    so the filter tells nobody which calls exist."""
    pk = whole(call_id)
    call = Call.objects.select_related("project").filter(pk=pk).first() if pk else None
    if call is None or (call.project is not None and not can_view_project(viewer, call.project)):
        return records.none()
    entries = visible_entries(call, viewer)
    if names_hidden_from(viewer, call):
        # Records name their owners: under blind review, only your own entries.
        if viewer is None or not viewer.is_authenticated:
            return records.none()
        entries = entries.filter(entrant=viewer)
    return records.filter(pk__in=entries.values("record_id"))
