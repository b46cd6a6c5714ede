"""The signed-in member of a request, typed, for views and API endpoints of any app."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from ensemble.accounts.models import User


def bearer_token(request: HttpRequest) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def viewer(request: HttpRequest) -> User | None:
    """Who is looking, on endpoints open to everyone: a token's owner, the signed-in
    member, or None for anonymous visitors and for tokens that are wrong or revoked
    (callers that must tell those apart check `bearer_token` themselves)."""
    from ensemble.accounts.services import user_for_token

    user = getattr(request, "auth", None)
    if isinstance(user, User):
        return user
    token = bearer_token(request)
    if token is not None:
        return user_for_token(token)
    return request.user if isinstance(request.user, User) else None


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


def api_viewer(request: HttpRequest) -> User | None:
    """`viewer` for API endpoints open to everyone: a wrong or revoked token is a 401,
    never quietly treated as an anonymous visitor."""
    from ensemble.core.api import ApiError

    user = viewer(request)
    if user is None and bearer_token(request) is not None:
        raise ApiError(401, "This token is not valid; it may have been revoked.")
    return user
