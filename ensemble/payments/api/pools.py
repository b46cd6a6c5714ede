"""Pools, their revenue and costs, payouts and a member's earnings."""

import datetime as dt
from typing import Annotated, Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Schema, Status

from ensemble.accounts.http import member
from ensemble.core.api import ERRORS_OR_GONE as ERRORS
from ensemble.core.api import choices_schema
from ensemble.core.ids import Id, Int64
from ensemble.core.json_in import JsonDate, JsonIn, Lax
from ensemble.payments.api.base import money, pool_for, router
from ensemble.payments.models import Payout, Pool
from ensemble.payments.services import ledger, pools
from ensemble.payments.services.access import require_pool_leader
from ensemble.projects.models import Production
from ensemble.projects.services import can_view_project

PoolKind = Annotated[Pool.Kind, Lax, choices_schema(Pool.Kind, "PoolKind")]


class PoolIn(JsonIn):
    kind: PoolKind
    currency: str
    share_bp: Int64 = 5_000  # a profit share's contributors' part, in basis points
    budget: Int64 = 0  # a fixed budget, in minor units


class PoolEntryIn(JsonIn):
    kind: str  # revenue | cost
    amount: Int64  # minor units
    currency: str
    on: JsonDate
    description: str


class PoolEntryOut(Schema):
    id: int
    kind: str
    amount: dict[str, Any]
    on: dt.date
    description: str
    recorded_by: str


class PoolOut(Schema):
    id: int
    production_id: int
    kind: str
    currency: str
    share_bp: int
    revenue: dict[str, Any]
    costs: dict[str, Any]
    contributors: dict[str, Any]
    distributed: dict[str, Any]
    available: dict[str, Any]
    entries: list[PoolEntryOut]
    proposals: list[int]


class PaidIn(JsonIn):
    reference: str


def pool_out(pool: Pool) -> dict[str, Any]:
    b = pools.balance(pool)
    c = pool.currency
    return {
        "id": pool.pk,
        "production_id": pool.production_id,
        "kind": pool.kind,
        "currency": c,
        "share_bp": pool.share_bp,
        "revenue": money(b.revenue, c),
        "costs": money(b.costs, c),
        "contributors": money(b.contributors, c),
        "distributed": money(b.distributed, c),
        "available": money(b.available, c),
        "entries": [
            {
                "id": e.pk,
                "kind": e.kind,
                "amount": money(e.amount, c),
                "on": e.on,
                "description": e.description,
                "recorded_by": e.recorded_by.username,
            }
            for e in pool.entries.select_related("recorded_by")
        ],
        "proposals": list(pool.proposals.values_list("pk", flat=True)),
    }


@router.post("/productions/{production_id}/pools", response={201: PoolOut, **ERRORS})
def create_pool(request: HttpRequest, production_id: Id, body: PoolIn) -> Status:
    """A pool for a released production: `profit_share` (revenue − costs, times
    `share_bp`/10,000) or `fixed_budget` (`budget` minor units), in one `currency`."""
    production = get_object_or_404(Production.objects.select_related("project"), pk=production_id)
    if not can_view_project(member(request), production.project):
        raise Http404
    pool = pools.create_pool(
        production,
        by=member(request),
        kind=body.kind,
        currency=body.currency,
        share_bp=body.share_bp,
        budget=body.budget,
    )
    return Status(201, pool_out(pool))


@router.get("/pools/{pool_id}", response={200: PoolOut, **ERRORS}, auth=None)
def get_pool(request: HttpRequest, pool_id: Id) -> dict[str, Any]:
    """The balance and the whole history: open to everyone who can see the project."""
    return pool_out(pool_for(request, pool_id))


@router.post("/pools/{pool_id}/entries", response={201: PoolOut, **ERRORS})
def record_entry(request: HttpRequest, pool_id: Id, body: PoolEntryIn) -> Status:
    """Record a `revenue` or a `cost` (minor units, in the pool's currency)."""
    pool = pool_for(request, pool_id)
    pools.record_entry(
        pool,
        by=member(request),
        kind=body.kind,
        amount=body.amount,
        currency=body.currency,
        on=body.on,
        description=body.description,
    )
    return Status(201, pool_out(pool))


@router.post("/pools/{pool_id}/payouts", response={201: dict[str, Any], **ERRORS})
def make_batch(request: HttpRequest, pool_id: Id) -> Status:
    """A payout batch: everyone owed at least the minimum payout (`PAYOUT_MINIMUM`)."""
    batch = ledger.make_batch(pool_for(request, pool_id), by=member(request))
    payouts = list(batch.payouts.values("id", "user__username", "amount"))
    return Status(201, {"pool_id": pool_id, "number": batch.number, "payouts": payouts})


@router.get(
    "/pools/{pool_id}/payouts.csv",
    response={200: None, **ERRORS},
    openapi_extra={"responses": {200: {"content": {"text/csv": {"schema": {"type": "string"}}}}}},
)
def payouts_csv(request: HttpRequest, pool_id: Id, batch: Int64 | None = None) -> HttpResponse:
    """A batch as CSV for the bank (the latest unless `batch` is given); leaders only.
    The same batch always exports to the same bytes."""
    pool = pool_for(request, pool_id)
    require_pool_leader(member(request), pool, what="export payouts")
    batches = pool.batches.all()
    chosen = batches.filter(number=batch).first() if batch else batches.first()
    if chosen is None:
        raise Http404
    response = HttpResponse(ledger.batch_csv(chosen), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="payouts-pool{pool.pk}-batch{chosen.number}.csv"'
    )
    return response


@router.post("/payouts/{payout_id}/paid", response={200: dict[str, Any], **ERRORS})
def mark_paid(request: HttpRequest, payout_id: Id, body: PaidIn) -> dict[str, Any]:
    payout = get_object_or_404(
        Payout.objects.select_related("batch__pool__production__project"), pk=payout_id
    )
    ledger.mark_paid(payout, by=member(request), reference=body.reference)
    return {"id": payout.pk, "paid_at": payout.paid_at, "reference": payout.reference}


@router.get("/me/earnings", response={200: dict[str, Any], **ERRORS})
def my_earnings(request: HttpRequest) -> dict[str, Any]:
    """Per production: proposed (open for comments), final and paid; totals per currency."""
    found = ledger.kept_earnings(request)
    return {
        "productions": [
            {
                "pool_id": r["pool"].pk,
                "production_id": r["pool"].production_id,
                "title": r["pool"].production.record.title,
                **{k: money(r[k], r["pool"].currency) for k in ("proposed", "final", "paid")},
            }
            for r in found["rows"]
        ],
        "totals": {c: {k: money(v, c) for k, v in t.items()} for c, t in found["totals"].items()},
    }
