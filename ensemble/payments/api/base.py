"""What the payments API modules share: the router, errors, lookups for this viewer."""

from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from ensemble.accounts import http
from ensemble.core.money import format_money, plain_amount
from ensemble.payments.models import Pool, Proposal
from ensemble.payments.services.access import is_pool_leader
from ensemble.projects import services as projects

router = Router(tags=["payments"])


def pool_for(request: HttpRequest, pool_id: int) -> Pool:
    """Pools are as public as their project: the money is part of the open record."""
    pool = get_object_or_404(
        Pool.objects.select_related("production__project__owner", "production__record"),
        pk=pool_id,
    )
    if not projects.can_view_project(http.api_viewer(request), pool.production.project):
        raise Http404
    return pool


def proposal_for(request: HttpRequest, proposal_id: int) -> Proposal:
    """Drafts are the leaders'; published and final proposals are everyone's."""
    proposal = get_object_or_404(
        Proposal.objects.defer("snapshot_json").select_related(
            "pool__production__project__owner", "pool__production__record"
        ),
        pk=proposal_id,
    )
    pool_for(request, proposal.pool_id)
    viewer = http.api_viewer(request)
    if proposal.status == Proposal.Status.DRAFT and not is_pool_leader(viewer, proposal.pool):
        raise Http404
    return proposal


class MoneyOut(Schema):
    minor_units: int  # exact, in the currency's minor unit (cents)
    amount: str  # the same as an exact decimal: "334.62"
    currency: str  # ISO 4217
    display: str  # as a person reads it, in the site's language: "€334.62"


def money(amount: int, currency: str) -> dict[str, Any]:
    """An amount three ways: exact minor units, the exact decimal, and as a person reads
    it (`display`, in the site's locale) so clients need no currency table of their own."""
    return {
        "minor_units": amount,
        "amount": plain_amount(amount, currency),
        "currency": currency,
        "display": format_money(amount, currency),
    }
