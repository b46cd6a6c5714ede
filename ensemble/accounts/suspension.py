"""A suspended member reads but does not write: every POST, PUT, PATCH and DELETE from
them is refused with the reason and the end of the suspension, on pages and in the API,
except signing out and talking to the moderators (an appeal, a message on a report).

One wall for every write, rather than a check in each view: a new form cannot forget
it. Pages and browser-session API calls meet it in `SuspendedMembersReadOnly` (after
authentication); token calls in `accounts.api_auth`, where the token's member is known.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import formats

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# What a suspended member may still send: signing out, blocking someone (it protects
# them), asking for a copy of their data or the deletion of their account (theirs by
# right), an appeal, a message to the moderators on a report they made.
STILL_ALLOWED = re.compile(
    r"^/(?:accounts/logout/"
    r"|@[^/]+/block|api/v1/users/[^/]+/block"
    r"|settings/data/export|api/v1/me/exports|settings/delete/(?:cancel)?|api/v1/me/deletion"
    r"|(?:api/v1/)?moderation/actions/\d+/appeal"
    r"|reports/\d+/message"
    r"|api/v1/reports/\d+/messages)$"
)


def refuses(request: HttpRequest, user: Any) -> bool:
    """Whether this request is a write a suspended member may not make."""
    return (
        request.method not in SAFE_METHODS
        and bool(getattr(user, "is_suspended", False))
        and not STILL_ALLOWED.match(request.path_info)
    )


def message(user: Any) -> str:
    until = formats.date_format(user.suspended_until, "j F Y, H:i e")
    reason = f" Reason: {user.suspension_reason}" if user.suspension_reason else ""
    return (
        f"Your account is suspended until {until}: you can read, appeal and sign out, "
        f"but not write.{reason}"
    )


class SuspendedMembersReadOnly:
    """The wall for pages and session API calls; last after authentication."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and refuses(request, user):
            if request.path_info.startswith("/api/"):
                return JsonResponse({"detail": message(user), "code": "suspended"}, status=403)
            return render(
                request, "accounts/suspended.html", {"message": message(user)}, status=403
            )
        return self.get_response(request)
