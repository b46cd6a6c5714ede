"""A member's profile page: accounts' profile, records' portfolio, community's follow
button and the rest it shows (`community.services.profile.extras`).

Kept for every member alike, and for visitors, as a shared fragment (core.fragments),
but for whom it differs: the member themself (their drafts, their entries in sealed
calls, "edit profile") and the accepted co-creators of the records it shows (who play an
original where others play the copy). The follow button is a hole, filled per request.
"""

from __future__ import annotations

from typing import Any

from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string

from ensemble.accounts import block_views
from ensemble.accounts.models import User
from ensemble.community.services import profile as community_profile
from ensemble.community.templatetags import community_tags
from ensemble.core import fragments, memberpages
from ensemble.records.present import portfolio


@memberpages.kept_page
def profile(request: HttpRequest, username: str) -> HttpResponse:
    person = get_object_or_404(User.objects.with_username(username), is_active=True)
    if person.username != username:
        return redirect(person, permanent=True)

    def body(who: Any) -> fragments.Shared:
        prefetch_related_objects([person], "skill_rows")  # read only when rendered
        work = portfolio(person, who)
        shown = {
            **fragments.context_for(who),
            **community_profile.extras(person, who),
            "portfolio": work,
        }
        html = render_to_string("front/_profile.html", shown)
        return fragments.Shared(html, not_for=work["creators"])

    own = request.user.is_authenticated and request.user.pk == person.pk
    holes = {
        "follow": lambda: community_tags.follow_html(request, person=person),
        "block": lambda: block_views.block_html(request, person),
    }
    shown = fragments.shared(request, "profile", person.pk, render=body, personal=own, holes=holes)
    return render(request, "front/profile.html", {"member": person, "body": shown})
