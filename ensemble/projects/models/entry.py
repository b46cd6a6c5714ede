"""Entries to calls, every decision on them, and reviewers' scores."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from ensemble.core.refusals import Refused
from ensemble.core.states import Transitions

if TYPE_CHECKING:
    from ensemble.accounts.models import User


def _refuse_entry(current: str, to: str) -> Refused:
    return Refused("A withdrawn entry cannot be reviewed.", status=409, code="withdrawn")


class Entry(models.Model):
    """A record submitted to a call. Its state changes only through `move`, which logs
    every change as a `Decision` (who, when, from, to, why)."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        SHORTLISTED = "shortlisted", "Shortlisted"
        SELECTED = "selected", "Selected"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    # Leaders move an entry between the four review states, in any direction, while the
    # call is open (a selection can be undone); its entrant withdraws it from any of
    # them. Withdrawing is for good. A move to the state an entry is in changes nothing.
    REVIEW_STATES = (State.SUBMITTED, State.SHORTLISTED, State.SELECTED, State.DECLINED)
    TRANSITIONS = Transitions(
        {
            State.SUBMITTED: [*REVIEW_STATES, State.WITHDRAWN],
            State.SHORTLISTED: [*REVIEW_STATES, State.WITHDRAWN],
            State.SELECTED: [*REVIEW_STATES, State.WITHDRAWN],
            State.DECLINED: [*REVIEW_STATES, State.WITHDRAWN],
            State.WITHDRAWN: [State.WITHDRAWN],
        },
        refuse=_refuse_entry,  # the only moves left out are those out of withdrawn
    )

    call = models.ForeignKey("projects.Call", on_delete=models.CASCADE, related_name="entries")
    record = models.ForeignKey("records.Record", on_delete=models.CASCADE, related_name="entries")
    entrant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="entries"
    )
    state = models.CharField(max_length=12, choices=State.choices, default=State.SUBMITTED)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    score_count = models.PositiveIntegerField(default=0)  # least-reviewed first
    score_total = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["call", "record"], name="entry_record_once_per_call"),
        ]
        indexes = [
            # The review grid: a call's entries by state, least reviewed first.
            models.Index(fields=["call", "state", "score_count", "id"], name="entry_review"),
            # "Your entries" and the per-person limit.
            models.Index(fields=["call", "entrant"], name="entry_call_entrant"),
        ]

    def __str__(self) -> str:
        return f"entry {self.pk} ({self.state})"

    @property
    def score_mean(self) -> float | None:
        return self.score_total / self.score_count if self.score_count else None

    @classmethod
    def move(
        cls, entries: Iterable[Entry], to: str, *, by: User, why: str = ""
    ) -> list[tuple[Entry, Decision]]:
        """Move entries to `to`, all or none: each move checked against `TRANSITIONS`
        (the first one left out refuses them all), each change logged as a `Decision`
        with who and why, the entries saved (two statements, however many entries).
        Entries already in `to` are left as they are. Returns the changed entries, each
        with its decision."""
        entries = list(entries)
        for entry in entries:
            cls.TRANSITIONS.check(entry.state, to)
        changed = [e for e in entries if e.state != to]
        now = timezone.now()
        with transaction.atomic():
            made = Decision.objects.bulk_create(
                Decision(entry=e, by=by, from_state=e.state, to_state=to, note=why, created_at=now)
                for e in changed
            )
            cls.objects.filter(pk__in=[e.pk for e in changed]).update(state=to, updated_at=now)
        for entry in changed:
            entry.state = to
            entry.updated_at = now
        return list(zip(changed, made, strict=True))


class Decision(models.Model):
    """One change of an entry's state: who, when, from what, to what, and why."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="decisions")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    from_state = models.CharField(max_length=12, choices=Entry.State.choices)
    to_state = models.CharField(max_length=12, choices=Entry.State.choices)
    note = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_state=models.F("to_state")), name="decision_changes_state"
            )
        ]

    def __str__(self) -> str:
        return f"{self.from_state} → {self.to_state}"


class Score(models.Model):
    """A reviewer's 1–5 for an entry; one per reviewer, changeable."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="scores")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    value = models.PositiveSmallIntegerField()
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "reviewer"], name="score_once_per_reviewer"),
            models.CheckConstraint(
                condition=Q(value__gte=1) & Q(value__lte=5), name="score_one_to_five"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.value} for {self.entry_id}"


def _refuse_upload(current: str, to: str) -> Refused:
    if current == EntryUpload.State.NOT_ENTERED:
        return Refused(
            "This upload was not entered: the call closed before it was processed.",
            status=409,
            code="call_closed",
        )
    return Refused("This upload was entered or given up already.", status=409, code="gone")


class EntryUpload(models.Model):
    """A record uploaded straight into a call (from the call page or event mode), waiting
    to be processed. Until it is settled it counts towards the per-person limit, and the
    time it was made is the time of entry, so an upload made before the deadline counts
    even if processing finishes after it.

    When its first version is ready (`entry_uploads.settle`) the record is published and
    entered, or, if the call closed meanwhile, the upload is *not entered*, `problem` says
    why and the record stays a draft. Entered or given up (`discard`), the row goes: the
    entry, or the draft record, is what remains. Every move goes through `move`.
    """

    class State(models.TextChoices):
        WAITING = "waiting", "Waiting to be processed"
        NOT_ENTERED = "not_entered", "Not entered"
        # Never stored: reaching them deletes the row.
        ENTERED = "entered", "Entered"
        DISCARDED = "discarded", "Given up"

    TRANSITIONS = Transitions(
        {
            State.WAITING: [State.ENTERED, State.NOT_ENTERED, State.DISCARDED],
            State.NOT_ENTERED: [State.DISCARDED],
            State.ENTERED: [],
            State.DISCARDED: [],
        },
        refuse=_refuse_upload,
    )
    GONE = (State.ENTERED, State.DISCARDED)

    call = models.ForeignKey("projects.Call", on_delete=models.CASCADE, related_name="uploads")
    record = models.OneToOneField(
        "records.Record", on_delete=models.CASCADE, related_name="entry_upload"
    )
    entrant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="entry_uploads"
    )
    created_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=12, choices=State.choices, default=State.WAITING)
    problem = models.CharField(max_length=300, blank=True)  # why it was not entered

    class Meta:
        ordering = ["-id"]
        indexes = [
            # The per-person limit and "your uploads" on the call and event pages.
            models.Index(fields=["call", "entrant"], name="entry_upload_call_entrant"),
        ]
        constraints = [
            # A row is waiting, or not entered with the reason; entered or given up, it goes.
            models.CheckConstraint(
                condition=Q(state="waiting", problem="")
                | (Q(state="not_entered") & ~Q(problem="")),
                name="entry_upload_state_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"upload of record {self.record_id} into call {self.call_id}"

    def move(self, to: str, *, why: str = "") -> None:
        """Make a move `TRANSITIONS` allows: not entered (with `why`, shown to the entrant)
        saves the row; entered and given up delete it."""
        self.TRANSITIONS.check(self.state, to)
        if to in self.GONE:
            self.delete()
            self.state = to
            return
        self.state = to
        self.problem = why
        self.save(update_fields=["state", "problem"])
