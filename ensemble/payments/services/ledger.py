"""The ledger's readings (what a pool owes each person, a member's earnings) and payouts:
batches, CSV, marking paid."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Sum
from django.http import HttpRequest
from django.utils import timezone

from ensemble.accounts.http import member
from ensemble.accounts.models import User
from ensemble.core import fragments
from ensemble.core.money import plain_amount
from ensemble.core.refusals import Refused
from ensemble.core.text import checked_text
from ensemble.notifications.services import notify
from ensemble.payments.models import (
    LedgerEntry,
    Line,
    Payout,
    PayoutBatch,
    Pool,
    Proposal,
    Revision,
)
from ensemble.payments.services.access import require_pool_leader


def owed(pool: Pool) -> dict[int, int]:
    """Person → what the pool's final proposals gave them and no batch has taken yet."""
    earned = dict(
        LedgerEntry.objects.filter(pool=pool).values_list("user_id").annotate(s=Sum("amount"))
    )
    batched = dict(
        Payout.objects.filter(batch__pool=pool).values_list("user_id").annotate(s=Sum("amount"))
    )
    return {p: e - batched.get(p, 0) for p, e in earned.items() if e - batched.get(p, 0) > 0}


def make_batch(pool: Pool, *, by: User) -> PayoutBatch:
    """Everyone the pool owes at least the minimum payout, in one batch; smaller balances
    carry over to the next one."""
    require_pool_leader(by, pool, what="make payouts")
    minimum = max(1, settings.PAYOUT_MINIMUM)
    with transaction.atomic():
        Pool.objects.select_for_update().filter(pk=pool.pk).first()  # one batch at a time
        due = {p: a for p, a in owed(pool).items() if a >= minimum}
        if not due:
            raise Refused(
                "Nobody is owed the minimum payout from this pool yet.",
                status=409,
                code="nothing_due",
            )
        number = (pool.batches.aggregate(n=Max("number"))["n"] or 0) + 1
        batch = PayoutBatch.objects.create(
            pool=pool, number=number, currency=pool.currency, created_by=by
        )
        Payout.objects.bulk_create(
            Payout(batch=batch, user_id=p, amount=a, currency=pool.currency)
            for p, a in sorted(due.items())
        )
    return batch


def mark_paid(payout: Payout, *, by: User, reference: str) -> Payout:
    require_pool_leader(by, payout.batch.pool, what="mark payouts paid")
    reference = checked_text((reference or "").strip(), field="reference", label="reference")
    if not reference or len(reference) > 200:
        raise Refused("Give the payment's reference (1 to 200 characters).", field="reference")
    if payout.paid_at is not None:
        raise Refused("This payout is marked paid already.", status=409, code="paid")
    payout.paid_at, payout.reference, payout.marked_by = timezone.now(), reference, by
    with transaction.atomic():
        payout.save(update_fields=["paid_at", "reference", "marked_by"])
        notify(payout.user, "payout_made", actor=by, about=payout)
    return payout


def batch_csv(batch: PayoutBatch) -> str:
    """The batch as a bank would take it: what was decided when it was made, nothing that
    changes later, so the file is the same every time it is exported."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    # `amount` is the exact decimal a bank takes; `minor_units` the same in minor units.
    writer.writerow(["batch", "payee", "name", "email", "amount", "currency", "minor_units"])
    rows = batch.payouts.select_related("user").order_by("user_id")
    for payout in rows:
        user = payout.user
        writer.writerow(
            [
                f"{batch.pool_id}-{batch.number}",
                user.username,
                user.name,
                user.email,
                plain_amount(payout.amount, payout.currency),
                payout.currency,
                payout.amount,
            ]
        )
    return out.getvalue()


def kept_earnings(request: HttpRequest) -> dict[str, Any]:
    """`earnings` of the member asking, kept for them alone until a write changes what
    pages show (core.fragments.kept_for_member): lines, ledger entries and payouts are
    all in tables that renewal watches, so a finalised proposal or a payout marked
    paid shows at once."""
    user = member(request)
    return fragments.kept_for_member(request, "earnings", compute=lambda: earnings(user))


def earnings(user: Any) -> dict[str, Any]:
    """Per production: proposed (in the latest revision of a published proposal, not yet
    final), final and paid; totals per currency. A fixed number of queries, however many
    productions."""
    rows: dict[int, dict[str, Any]] = {}

    def row(pool: Pool) -> dict[str, Any]:
        return rows.setdefault(pool.pk, {"pool": pool, "proposed": 0, "final": 0, "paid": 0})

    open_lines = list(
        Line.objects.filter(user=user, revision__proposal__status=Proposal.Status.PUBLISHED)
        .select_related("revision__proposal__pool__production__record")
        .defer("revision__lineage_json", "revision__proposal__snapshot_json")  # megabytes
    )
    latest = dict(
        Revision.objects.filter(proposal_id__in={line.revision.proposal_id for line in open_lines})
        .values_list("proposal_id")
        .annotate(n=Max("number"))
    )
    for line in open_lines:  # only the latest revision of each proposal counts
        if line.revision.number == latest[line.revision.proposal_id]:
            row(line.revision.proposal.pool)["proposed"] += line.amount
    for entry in LedgerEntry.objects.filter(user=user).select_related("pool__production__record"):
        row(entry.pool)["final"] += entry.amount
    for payout in Payout.objects.filter(user=user, paid_at__isnull=False).select_related(
        "batch__pool__production__record"
    ):
        row(payout.batch.pool)["paid"] += payout.amount
    totals: dict[str, dict[str, int]] = defaultdict(lambda: {"proposed": 0, "final": 0, "paid": 0})
    for r in rows.values():
        for key in ("proposed", "final", "paid"):
            totals[r["pool"].currency][key] += r[key]
    ordered = sorted(rows.values(), key=lambda r: -r["pool"].pk)
    return {"rows": ordered, "totals": dict(totals)}


def earnings_csv(user: Any) -> str:
    """Exact machine values in named columns, as the payout CSV has them: decimals in the
    currency (`proposed`, …) and the same in minor units (`proposed_minor_units`, …);
    never a formatted amount, which a spreadsheet would read as text."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    keys = ("proposed", "final", "paid")
    writer.writerow(["production", "currency", *keys, *(f"{k}_minor_units" for k in keys)])
    for r in earnings(user)["rows"]:
        c = r["pool"].currency
        exact = [plain_amount(r[k], c) for k in keys]
        writer.writerow([r["pool"].production.record.title, c, *exact, *(r[k] for k in keys)])
    return out.getvalue()
