"""What the payments API modules share: the router, errors, lookups for this viewer."""

from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router

from ensemble.accounts import http
from ensemble.core.api import ErrorOut
from ensemble.payments.models import Pool, Proposal
from ensemble.payments.services.access import is_pool_leader
from ensemble.payments.services.ledger import decimal
from ensemble.projects import services as projects

router = Router(tags=["payments"])
ERRORS: dict[int, type] = {s: ErrorOut for s in (400, 401, 403, 404, 409, 410, 422)}


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
        Proposal.objects.defer("snapshot_json").select_related("pool__production__project__owner",
                                        "pool__production__record"),
        pk=proposal_id,
    )  # fmt: skip
    pool_for(request, proposal.pool_id)
    viewer = http.api_viewer(request)
    if proposal.status == Proposal.Status.DRAFT and not is_pool_leader(viewer, proposal.pool):
        raise Http404
    return proposal


def money(amount: int, currency: str) -> dict[str, Any]:
    return {"minor_units": amount, "amount": decimal(amount, currency), "currency": currency}
