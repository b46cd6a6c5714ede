"""Payments pages: a project's pools, a pool, a proposal (chart, lines explained,
adjustments, comments), and a member's earnings."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ensemble.accounts.http import member
from ensemble.accounts.models import User
from ensemble.community.models import Comment
from ensemble.community.services import comments
from ensemble.core import fragments, memberpages
from ensemble.core.money import format_money
from ensemble.core.params import whole
from ensemble.core.ratelimit import RateLimited, limited, too_many
from ensemble.core.refusals import Refused, show_refusal
from ensemble.payments import present
from ensemble.payments.forms import AdjustForm, EntryForm, PoolForm, minor_units
from ensemble.payments.models import Payout, Pool, Proposal
from ensemble.payments.services import ledger, pools, proposals
from ensemble.payments.services.access import is_admin, is_pool_leader
from ensemble.projects import services as projects
from ensemble.projects.models import Project


def _pool(request: HttpRequest, pool_id: int) -> Pool:
    pool = get_object_or_404(
        Pool.objects.select_related("production__project__owner", "production__record"),
        pk=pool_id,
    )
    if not projects.can_view_project(request.user, pool.production.project):
        raise Http404
    return pool


def _proposal(request: HttpRequest, proposal_id: int) -> Proposal:
    proposal = get_object_or_404(
        Proposal.objects.defer("snapshot_json").select_related(
            "pool__production__project__owner", "pool__production__record"
        ),
        pk=proposal_id,
    )
    _pool(request, proposal.pool_id)
    if proposal.status == Proposal.Status.DRAFT and not is_pool_leader(request.user, proposal.pool):
        raise Http404
    return proposal


def project_payments(request: HttpRequest, slug: str) -> HttpResponse:
    """A project's money: every production's pools, and (for leaders) a new pool."""
    project = get_object_or_404(Project, slug=slug)
    if not projects.can_view_project(request.user, project):
        raise Http404
    made = project.productions.select_related("record").prefetch_related("releases")
    is_leader = projects.is_leader(request.user, project)
    form = PoolForm(request.POST or None)
    form.fields["production"].choices = [(p.pk, p.record.title) for p in made]  # type: ignore[attr-defined]
    if request.method == "POST" and is_leader and form.is_valid():
        data = form.cleaned_data
        places = pools.CURRENCIES.get(data["currency"].strip().upper(), 2)
        try:
            pool = pools.create_pool(
                next(p for p in made if p.pk == data["production"]),
                by=member(request),
                kind=data["kind"],
                currency=data["currency"],
                share_bp=int((data["share_percent"] or 0) * 100),
                budget=minor_units(data["budget"] or 0, places),
            )
        except ValueError:
            form.add_error("budget", f"This currency has {places} decimals at most.")
        except Refused as error:
            error.show_on(form)
        else:
            return redirect("payments:pool", pool.pk)
    pool_list = Pool.objects.filter(production__project=project).select_related(
        "production__record"
    )
    return render(
        request,
        "payments/project.html",
        {
            "project": project,
            "pools": [(p, pools.balance(p)) for p in pool_list],
            "is_leader": is_leader,
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@memberpages.kept_page
def pool(request: HttpRequest, pool_id: int) -> HttpResponse:
    found = _pool(request, pool_id)
    leader = is_pool_leader(request.user, found)

    def body(viewer: Any) -> fragments.Shared:
        shown = {
            **fragments.context_for(viewer),
            "pool": found,
            "balance": pools.balance(found),
            "is_leader": leader,
            "entries": found.entries.select_related("recorded_by"),
            "proposals": found.proposals.all()
            if leader
            else found.proposals.exclude(status="draft"),
            "batches": found.batches.prefetch_related("payouts__user") if leader else [],
            "entry_form": EntryForm(),
        }
        return fragments.Shared(render_to_string("payments/pool.html#body", shown))

    # Nothing on it is any one member's: what differs is whether they lead the pool
    # (its drafts, payouts and forms), so it is kept once for its leaders and once for
    # everyone else, and renewed by any write to the pool.
    who = "leaders" if leader else "others"
    kept = fragments.shared(request, "pool", found.pk, who, render=body)
    return render(request, "payments/pool.html", {"pool": found, "body": kept})


@login_required
@require_POST
def record_entry(request: HttpRequest, pool_id: int) -> HttpResponse:
    found = _pool(request, pool_id)
    form = EntryForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the kind, an amount, a date and a description.")
        return redirect("payments:pool", found.pk)
    data = form.cleaned_data
    try:
        places = pools.CURRENCIES[found.currency]
        pools.record_entry(
            found,
            by=member(request),
            kind=data["kind"],
            amount=minor_units(data["amount"], places),
            currency=found.currency,
            on=data["on"],
            description=data["description"],
        )
    except ValueError:
        messages.error(request, f"{found.currency} amounts have {places} decimals at most.")
    except Refused as error:
        show_refusal(request, error)
    return redirect("payments:pool", found.pk)


@login_required
@require_POST
def make_proposal(request: HttpRequest, pool_id: int) -> HttpResponse:
    found = _pool(request, pool_id)
    try:
        proposal = proposals.make_proposal(found, by=member(request))
    except Refused as error:
        show_refusal(request, error)
        return redirect("payments:pool", found.pk)
    return redirect("payments:proposal", proposal.pk)


@never_cache
@memberpages.kept_page
def proposal(request: HttpRequest, proposal_id: int) -> HttpResponse:
    found = _proposal(request, proposal_id)
    revision = proposals.current(found)
    currency = found.pool.currency
    number = min(whole(request.GET.get("page")) or 1, 100_000)  # a key: a bounded number
    lines = fragments.shared(
        request,
        "proposal-lines",
        found.pk,
        revision.pk,
        number,
        render=lambda _: fragments.Shared(present.lines_html(found, revision, number)),
    )
    # Revision numbers to compare: bad ones compare nothing (and bound the key).
    a, b = (min(whole(request.GET.get(n)) or 0, 100_000) for n in ("a", "b"))
    leader = is_pool_leader(request.user, found.pool)
    admin = is_admin(request.user)
    before = whole(request.GET.get("comments_before"))

    def body(viewer: Any) -> fragments.Shared:
        compared = None
        if a and b:
            older = found.revisions.filter(number=a).first()
            newer = found.revisions.filter(number=b).first()
            if older and newer:
                compared = proposals.compare(older, newer)
        shown, older_comments = comments.flat_page(found, before=before)
        context = {
            **fragments.context_for(viewer),
            "proposal": found,
            "revision": revision,
            "currency": currency,
            "amount": format_money(found.amount, currency),
            "revisions": found.revisions.select_related("made_by").defer("lineage_json"),
            # The latest change of the lineage the shown revision follows, if any.
            "followed": found.revisions.exclude(lineage_json="")
            .filter(number__lte=revision.number)
            .only("number", "made_at")
            .order_by("number")
            .last(),
            "compared": compared,
            "compared_a": a,
            "compared_b": b,
            "comments": shown,
            "older_comments": older_comments,
            "comments_before": before,
            "is_leader": leader,
            "is_admin": admin,
            "adjust_form": AdjustForm(),
            "editable": leader and (found.status == "draft" or found.window_open),
        }
        html = render_to_string("payments/proposal.html#body", context)
        return fragments.Shared(html, not_for=frozenset(c.author_id for c in shown))

    # Kept per kind of reader and per question asked (the revisions compared, the page
    # of comments); whether the window is open is in the key, since it closes by itself.
    kept = fragments.shared(
        request,
        "proposal",
        found.pk,
        revision.pk,
        found.window_open,
        "leader" if leader else "",
        "admin" if admin else "",
        a,
        b,
        before or "",
        render=body,
        holes={"lines": lambda: lines},
    )
    return render(request, "payments/proposal.html", {"proposal": found, "body": kept})


def _changes(proposal: Proposal, data: dict[str, Any]) -> dict[str, Any]:
    """One adjustment from the form, as the service's changes."""
    adjustments = proposals.current(proposal).adjustments
    names = dict(
        User.objects.filter(
            pk__in={i["user"] for k in proposals.LIST_KEYS for i in adjustments[k]}
        ).values_list("pk", "username")
    )

    def named(key: str) -> list[dict[str, Any]]:
        return [{**i, "user": names[i["user"]]} for i in adjustments[key]]

    action, user, reason = data["action"], data["user"], data["reason"]
    percent = data["percent"]
    if action in ("waive", "exclude"):
        key = "waivers" if action == "waive" else "exclusions"
        return {key: [*named(key), {"user": user, "reason": reason}]}
    if action == "manual":
        bp = int((percent or 0) * 100)
        return {"manual": [*named("manual"), {"user": user, "bp": bp, "reason": reason}]}
    if action in ("editor", "pass_through"):
        key = "editor_share_bp" if action == "editor" else "pass_through_bp"
        return {key: int((percent or 0) * 100)}
    if action == "seconds":
        return {"weigh_by_seconds": True}
    return {"weights": {data["edge"]: data["weight"] if data["weight"] is not None else -1}}


@login_required
@require_POST
def adjust(request: HttpRequest, proposal_id: int) -> HttpResponse:
    found = _proposal(request, proposal_id)
    form = AdjustForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose an adjustment and give its reason.")
        return redirect("payments:proposal", found.pk)
    try:
        proposals.revise(
            found,
            by=member(request),
            changes=_changes(found, form.cleaned_data),
            reason=form.cleaned_data["reason"],
        )
    except Refused as error:
        show_refusal(request, error)
    else:
        messages.success(request, "Revised: a new revision is computed; the earlier one stays.")
    return redirect("payments:proposal", found.pk)


@login_required
@require_POST
def publish(request: HttpRequest, proposal_id: int) -> HttpResponse:
    found = _proposal(request, proposal_id)
    try:
        proposals.publish(found, by=member(request))
    except Refused as error:
        show_refusal(request, error)
    else:
        messages.success(request, "Published: everyone in it is told; comments are open.")
    return redirect("payments:proposal", found.pk)


@login_required
@require_POST
def finalize(request: HttpRequest, proposal_id: int) -> HttpResponse:
    found = _proposal(request, proposal_id)
    try:
        proposals.finalize(found, by=member(request), reason=request.POST.get("reason", ""))
    except Refused as error:
        show_refusal(request, error)
    else:
        messages.success(request, "Final: the ledger is written.")
    return redirect("payments:proposal", found.pk)


@login_required
@require_POST
@limited("comment")
def comment(request: HttpRequest, proposal_id: int) -> HttpResponse:
    found = _proposal(request, proposal_id)
    raw = request.POST.get("reply_to", "")
    reply_to = Comment.objects.filter(pk=whole(raw, 0)).first()
    try:
        comments.add(member(request), found, request.POST.get("body", ""), reply_to=reply_to)
    except RateLimited as error:  # too many people named (the mention limit)
        return too_many(request, error)
    except Refused as error:
        show_refusal(request, error)
    return redirect("payments:proposal", found.pk)


@login_required
@require_POST
def change_comment(request: HttpRequest, proposal_id: int, comment_id: int) -> HttpResponse:
    """The author's edit (`body`) or deletion (`delete`) of their comment."""
    found = _proposal(request, proposal_id)
    mine = get_object_or_404(Comment.objects.on(found), pk=comment_id)
    try:
        if "delete" in request.POST:
            comments.delete(mine, by=member(request))
            messages.success(request, "Your comment is deleted.")
        else:
            comments.edit(mine, by=member(request), body=request.POST.get("body", ""))
    except Refused as error:
        show_refusal(request, error)
    return redirect(reverse("payments:proposal", args=[found.pk]) + f"#comment-{mine.pk}")


@login_required
@require_POST
def make_batch(request: HttpRequest, pool_id: int) -> HttpResponse:
    found = _pool(request, pool_id)
    try:
        batch = ledger.make_batch(found, by=member(request))
    except Refused as error:
        show_refusal(request, error)
    else:
        messages.success(request, f"Payout batch {batch.number} is ready to export.")
    return redirect("payments:pool", found.pk)


@login_required
def batch_csv(request: HttpRequest, pool_id: int, number: int) -> HttpResponse:
    found = _pool(request, pool_id)
    if not is_pool_leader(request.user, found):
        raise Http404
    batch = get_object_or_404(found.batches, number=number)
    response = HttpResponse(ledger.batch_csv(batch), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="payouts-pool{found.pk}-batch{number}.csv"'
    )
    return response


@login_required
@require_POST
def mark_paid(request: HttpRequest, payout_id: int) -> HttpResponse:
    payout = get_object_or_404(Payout.objects.select_related("batch__pool"), pk=payout_id)
    try:
        ledger.mark_paid(payout, by=member(request), reference=request.POST.get("reference", ""))
    except Refused as error:
        show_refusal(request, error)
    return redirect("payments:pool", payout.batch.pool_id)


@login_required
@never_cache
@memberpages.kept_page
def earnings(request: HttpRequest) -> HttpResponse:
    return render(request, "payments/earnings.html", ledger.kept_earnings(request))


@login_required
def earnings_csv(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        ledger.earnings_csv(member(request)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="earnings.csv"'
    return response
