"""Proposals: computed from the frozen lineage, revised in the open, published for
comments, finalized into the ledger. Every change is a new revision, kept."""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator
from contextlib import contextmanager
from fractions import Fraction
from typing import Any

from django.db import transaction
from gmpy2 import mpq

from ensemble.accounts.models import User
from ensemble.core.refusals import Refused
from ensemble.core.text import checked_text
from ensemble.lineage.models import Source
from ensemble.notifications.services import notify_many
from ensemble.payments import split
from ensemble.payments.models import LedgerEntry, Line, Pool, Proposal, Revision
from ensemble.payments.services import pools, snapshot
from ensemble.payments.services.access import is_admin, is_pool_leader, require_pool_leader
from ensemble.timelines.cut import seconds_in_production

LIST_KEYS = ("manual", "waivers", "exclusions")


def defaults(pool: Pool) -> dict[str, Any]:
    return {
        "pass_through_bp": pool.production.project.pass_through_bp,
        "editor_share_bp": 0,
        "weights": {},
        "manual": [],
        "waivers": [],
        "exclusions": [],
    }


def inputs_for(snap: dict[str, Any], adjustments: dict[str, Any]) -> split.Inputs:
    """The split's inputs: the frozen graph with this revision's adjustments."""
    weights = adjustments["weights"]
    by_kind = {kind: snapshot.default_weight(kind) for kind in Source.Kind.values}
    edges: dict[int, list[tuple[int, split.Weight]]] = {}
    for derived, source, kind in snap["edges"]:
        weight = weights.get(f"{derived}-{source}", by_kind[kind]) if weights else by_kind[kind]
        targets = edges.get(derived)
        if targets is None:
            edges[derived] = [(source, weight)]
        else:
            targets.append((source, weight))
    creators = {int(r): [owner] for r, owner in snap["records"].items()}
    for record, people in snap["cocreators"].items():
        if int(record) in creators:
            creators[int(record)].extend(people)
    return split.Inputs(
        root=snap["root"],
        edges=edges,
        creators=creators,
        pass_through=Fraction(adjustments["pass_through_bp"], 10_000),
        editor_share=Fraction(adjustments["editor_share_bp"], 10_000),
        manual={m["user"]: Fraction(m["bp"], 10_000) for m in adjustments["manual"]},
        waived=frozenset(w["user"] for w in adjustments["waivers"] + adjustments["exclusions"]),
    )


def as_text(value: mpq | Fraction | int) -> str:
    """An exact share as "numerator/denominator", as lines store and the API shows it."""
    value = mpq(value)
    return f"{value.numerator}/{value.denominator}"


def _lines(revision: Revision, result: split.Result, adjustments: dict[str, Any]) -> list[Line]:
    notes: dict[int, str] = {}
    for m in adjustments["manual"]:
        notes[m["user"]] = f"Added by hand: {m['reason']}"
    for w in adjustments["waivers"]:
        notes[w["user"]] = f"Waived: {w['reason']}"
    for x in adjustments["exclusions"]:
        notes[x["user"]] = f"Excluded: {x['reason']}"
    lines = []
    for person, records in result.by_record.items():
        if not result.cents.get(person) and person not in notes:
            continue  # under a cent: counted in `Revision.unlisted`, not stored
        lines.append(
            Line(
                revision=revision,
                user_id=person,
                amount=result.cents.get(person, 0),
                exact=as_text(result.exact.get(person, 0)),
                records_json=json.dumps({str(r): as_text(s) for r, s in records.items()}),
                note=notes.get(person, ""),
            )
        )
    return lines


def compute(
    proposal: Proposal,
    adjustments: dict[str, Any],
    *,
    by: User | None,
    reason: str,
    followed: tuple[dict[str, Any], str] | None = None,
    previous: Revision | None = None,
) -> Revision:
    """A new revision from `adjustments`, on the lineage of the revision before
    (`previous`, when the caller has it already: its lineage is read once), or the
    proposal's first, or on `followed` (the lineage as it is now, and its JSON text)
    when the split follows a change moderators made. Waivers and exclusions of people
    without a share are refused, or, following a change, dropped: they no longer apply."""
    previous = previous or current(proposal)
    frozen = followed[0] if followed else (snapshot.of(previous) if previous else proposal.snapshot)
    try:
        result = split.split(inputs_for(frozen, adjustments), proposal.amount)
    except split.SplitError as error:
        raise Refused(str(error), code="invalid_split") from error
    for key in ("waivers", "exclusions"):
        strangers = {i["user"] for i in adjustments[key]} - set(result.by_record)
        if strangers and followed:
            # Nobody without a share gets money from a waiver: the split is the same.
            adjustments[key] = [i for i in adjustments[key] if i["user"] not in strangers]
        elif strangers:
            name = User.objects.filter(pk=min(strangers)).values_list("username", flat=True)[0]
            raise Refused(
                f"@{name} has no share in this proposal to waive or exclude.",
                field=key,
                code="not_in_split",
            )
    revision = Revision(
        proposal=proposal,
        number=previous.number + 1 if previous else 1,
        adjustments=adjustments,
        reason=reason,
        made_by=by,
        lineage_json=followed[1] if followed else "",
    )
    revision._lineage = frozen  # type: ignore[attr-defined]
    lines = _lines(revision, result, adjustments)
    revision.unlisted = len(result.by_record) - len(lines)
    revision.save()
    Line.objects.bulk_create(lines, batch_size=2_000)
    return revision


def make_proposal(pool: Pool, *, by: User) -> Proposal:
    """Split what the pool holds now among the production's lineage as it is now."""
    require_pool_leader(by, pool, what="make payment proposals")
    with transaction.atomic():
        Pool.objects.select_for_update().filter(pk=pool.pk).first()
        if pool.proposals.exclude(status=Proposal.Status.FINAL).exists():
            raise Refused(
                "This pool already has a proposal being discussed; finalize it first.",
                status=409,
                code="proposal_open",
            )
        available = pools.balance(pool).available
        if available <= 0:
            raise Refused("The pool holds nothing to distribute yet.", status=409, code="empty")
        with gc_paused():
            frozen = snapshot.take(pool.production.record_id)
            text = json.dumps(frozen, separators=(",", ":"))
            proposal = Proposal.objects.create(
                pool=pool,
                amount=available,
                snapshot_json=text,
                record_count=len(frozen["records"]),
                created_by=by,
            )
            compute(proposal, defaults(pool), by=by, reason="Computed from the lineage.")
    return proposal


@contextmanager
def gc_paused() -> Iterator[None]:
    """No garbage collection while a big split is built: it makes hundreds of thousands
    of small objects that all stay alive until the end, so the collector's full passes
    (about a second at 100,000 records, docs/benchmarks.md) would find nothing to free."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def current(proposal: Proposal) -> Revision:
    return proposal.revisions.order_by("-number").first()  # type: ignore[return-value]


def _require_editable(proposal: Proposal) -> None:
    if proposal.status == Proposal.Status.FINAL:
        raise Refused("A final proposal is never changed.", status=409, code="final")
    if proposal.status == Proposal.Status.PUBLISHED and not proposal.window_open:
        raise Refused(
            "The comment window has closed: the proposal can only be finalized now.",
            status=409,
            code="window_closed",
        )


def _person(value: Any, field: str) -> int:
    user = User.objects.with_username(str(value or "").lstrip("@")).first()
    if user is None:
        raise Refused(f"There is no member called @{value}.", field=field, code="no_such_member")
    return int(user.pk)


def _reason(value: Any, field: str) -> str:
    text = checked_text(str(value or "").strip(), field=field, label="reason")
    if not text or len(text) > 300:
        raise Refused("Give a reason, in 1 to 300 characters.", field=field)
    return text


def _basis_points(value: Any, field: str, *, low: int = 0, high: int = 10_000) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise Refused(
            f"{field} is a whole number of basis points from {low} to {high}.", field=field
        )
    return value


def cleaned(base: Revision, changes: dict[str, Any]) -> dict[str, Any]:
    """`base`'s adjustments (the current revision's) with `changes` applied, every value
    checked. Lists are replaced whole: `manual`, `waivers` and `exclusions` name people
    by username."""
    adjustments = dict(base.adjustments)
    unknown = set(changes) - {
        "pass_through_bp",
        "editor_share_bp",
        "weights",
        "weigh_by_seconds",
        *LIST_KEYS,
    }
    if unknown:
        raise Refused(f"Unknown adjustment “{sorted(unknown)[0]}”.", field=sorted(unknown)[0])
    for key in ("pass_through_bp", "editor_share_bp"):
        if key in changes:
            adjustments[key] = _basis_points(changes[key], key)
    if "weights" in changes:
        edges = {f"{d}-{s}" for d, s, _ in snapshot.of(base)["edges"]}
        weights = dict(adjustments["weights"])
        for key, weight in dict(changes["weights"]).items():
            if key not in edges:
                raise Refused(
                    f"“{key}” is not an edge of this lineage (derived-source).", field="weights"
                )
            weights[key] = _basis_points(weight, "weights", high=1_000)
        adjustments["weights"] = weights
    if changes.get("weigh_by_seconds"):
        adjustments["weights"] = {**adjustments["weights"], **_weights_from_cut(base)}
    for key in LIST_KEYS:
        if key in changes:
            items = []
            for item in changes[key] or []:
                entry = {
                    "user": _person(item.get("user"), key),
                    "reason": _reason(item.get("reason"), key),
                }
                if key == "manual":
                    entry["bp"] = _basis_points(item.get("bp"), "manual", low=1, high=9_999)
                items.append(entry)
            if len({i["user"] for i in items}) != len(items):
                raise Refused(f"Name each person once in {key}.", field=key)
            adjustments[key] = items
    return adjustments


def _weights_from_cut(base: Revision) -> dict[str, int]:
    """The production's direct `uses` sources weighted by their seconds on screen or in
    the mix, in the cut that made its newest rendered version: the longest 1,000, the
    others in proportion (at least 1, so a source in the cut is never paid nothing).
    Refused for a production not rendered from a timeline."""
    frozen = snapshot.of(base)
    root = frozen["root"]
    seconds = seconds_in_production(root)
    if seconds is None:
        raise Refused(
            "This production was not rendered from a timeline: there are no seconds to "
            "weigh its sources by.",
            code="no_timeline",
            field="weigh_by_seconds",
        )
    direct = {s for d, s, kind in frozen["edges"] if d == root and kind == Source.Kind.USES}
    timed = {s: seconds[s] for s in direct if seconds.get(s, 0) > 0}
    longest = max(timed.values(), default=0.0)
    return {f"{root}-{s}": max(1, round(1_000 * t / longest)) for s, t in timed.items()}


def revise(proposal: Proposal, *, by: User, changes: dict[str, Any], reason: str = "") -> Revision:
    """A new revision with the changes; the earlier ones stay as they were. The proposal
    is locked meanwhile: a revision the moderators' change makes at the same moment
    (`lineage_changes.follow`), or finalizing, waits, and this one is checked after."""
    require_pool_leader(by, proposal.pool, what="revise payment proposals")
    reason = checked_text((reason or "").strip(), field="reason", label="reason")[:500]
    with transaction.atomic(), gc_paused():
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        _require_editable(locked)
        previous = current(locked)
        adjustments = cleaned(previous, changes)
        return compute(locked, adjustments, by=by, reason=reason, previous=previous)


def _everyone_in(revision: Revision) -> list[User]:
    return list(User.objects.filter(pk__in=revision.lines.values("user_id")))


def publish(proposal: Proposal, *, by: User) -> Proposal:
    """Open the comment window; everyone in the split is told."""
    require_pool_leader(by, proposal.pool, what="publish payment proposals")
    with transaction.atomic():
        proposal.move(Proposal.Status.PUBLISHED, by=by)
        notify_many(
            _everyone_in(current(proposal)), "payment_proposal_published", actor=by, about=proposal
        )
    return proposal


def finalize(proposal: Proposal, *, by: User, reason: str = "") -> Proposal:
    """Write the current revision into the ledger, once. After the window closes; an
    admin may finalize earlier, with the reason on the record."""
    is_leader = is_pool_leader(by, proposal.pool)
    if not is_leader and not is_admin(by):
        raise Refused("Only the project's leaders can finalize.", status=403, code="forbidden")
    Proposal.TRANSITIONS.check(proposal.status, Proposal.Status.FINAL)
    early = proposal.window_open
    if early:
        if not is_admin(by):
            raise Refused(
                f"The comment window is open until {proposal.window_closes_at:%Y-%m-%d %H:%M %Z}.",
                status=409,
                code="window_open",
            )
        reason = _reason(reason, "reason")
    with transaction.atomic():
        pool = Pool.objects.select_for_update().get(pk=proposal.pool_id)
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        Proposal.TRANSITIONS.check(locked.status, Proposal.Status.FINAL)  # finalized meanwhile
        if locked.window_open and not early:  # opened again meanwhile (the lineage changed)
            raise Refused(
                "The comment window opened again: the split followed a change of its "
                f"lineage. It is open until {locked.window_closes_at:%Y-%m-%d %H:%M %Z}.",
                status=409,
                code="window_open",
            )
        if pools.balance(pool).available < proposal.amount:
            raise Refused(
                "The pool holds less than this proposal distributes now (costs were "
                "recorded since); make a new proposal.",
                status=409,
                code="pool_short",
            )
        revision = current(proposal)
        paying = list(revision.lines.filter(amount__gt=0))
        LedgerEntry.objects.bulk_create(
            [
                LedgerEntry(
                    pool=pool,
                    proposal=proposal,
                    user_id=line.user_id,
                    amount=line.amount,
                    currency=pool.currency,
                )
                for line in paying
            ],
            batch_size=2_000,
        )
        Pool.objects.filter(pk=pool.pk).update(distributed=pool.distributed + proposal.amount)
        proposal.move(Proposal.Status.FINAL, by=by, why=reason if early else "")
        notify_many(_everyone_in(revision), "payment_proposal_finalized", actor=by, about=proposal)
    return proposal


def compare(older: Revision, newer: Revision) -> list[dict[str, Any]]:
    """Person by person, what changed between two revisions of the same proposal."""
    if older.proposal_id != newer.proposal_id:
        raise Refused("Compare revisions of the same proposal.", field="revision")
    before = dict(older.lines.values_list("user_id", "amount"))
    after = dict(newer.lines.values_list("user_id", "amount"))
    names = dict(User.objects.filter(pk__in=set(before) | set(after)).values_list("pk", "username"))
    rows = [
        {
            "user": names[p],
            "before": before.get(p, 0),
            "after": after.get(p, 0),
            "change": after.get(p, 0) - before.get(p, 0),
        }
        for p in set(before) | set(after)
    ]
    return sorted(rows, key=lambda r: (-abs(r["change"]), r["user"]))
