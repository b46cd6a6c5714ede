"""Blocking from the pages: the button on a profile (a hole in the kept profile, filled
for each member: `block_html`) and the list of the people you block."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ensemble.accounts import blocks
from ensemble.accounts.http import member
from ensemble.accounts.models import Block, User
from ensemble.core.ratelimit import limited
from ensemble.core.refusals import Refused


def block_html(request: HttpRequest, person: User) -> SafeString:
    """Block or unblock `person`: for members, on another member's profile."""
    user = request.user
    if not user.is_authenticated or user.pk == person.pk:
        return SafeString("")
    shown = {"person": person, "blocking": blocks.blocks(user, person)}
    return SafeString(render_to_string("accounts/_block.html", shown, request=request))


@login_required
@require_POST
@limited("block")
def block(request: HttpRequest, username: str) -> HttpResponse:
    person = get_object_or_404(User.objects.with_username(username), is_active=True)
    user = member(request)
    if request.POST.get("action") == "unblock":
        blocks.unblock(user, person)
        messages.success(request, f"You no longer block @{person.username}.")
        return redirect(person)
    try:
        blocks.block(user, person)
    except Refused as error:
        messages.error(request, error.message)
        return redirect(person)
    messages.success(
        request,
        f"You block @{person.username}: they cannot comment on, heart, follow, mention or "
        "enter the calls of yours, and you do not see their comments. They are not told.",
    )
    return redirect(person)


@login_required
@never_cache
def blocked(request: HttpRequest) -> HttpResponse:
    rows = Block.objects.filter(blocker=member(request)).select_related("blocked")
    return render(request, "accounts/blocked.html", {"blocks": rows.order_by("-id")[:500]})
