"""The signed-in member of a request, typed, for views and API endpoints of any app."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from ensemble.accounts.models import User


def member(request: HttpRequest) -> User:
    """The member behind a @login_required view or an authenticated API call.

    API calls carry the user in `request.auth` (token or session); pages in
    `request.user`. Raises PermissionDenied if neither is a signed-in member, which the
    decorators already prevent: this is the type check, and a last wall.
    """
    user = getattr(request, "auth", None) or request.user
    if not isinstance(user, User) or not user.is_active:
        raise PermissionDenied("Sign in first.")
    return user
