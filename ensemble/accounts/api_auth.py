"""How API requests are authenticated: a bearer token, or the browser session + CSRF."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from ensemble.accounts import suspension
from ensemble.accounts.services import user_for_token
from ensemble.core.api import ApiError


class TokenAuth(HttpBearer):
    """`Authorization: Bearer ens_…` with a personal access token (scripts, the CLI)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is not None:
            request.user = user
            if suspension.refuses(request, user):
                raise ApiError(403, suspension.message(user), "suspended")
        return user


class BrowserSessionAuth(SessionAuth):
    """The signed-in browser; ninja checks the CSRF token for it.

    Not consulted when the request carries an Authorization header: a revoked or wrong
    token must fail, not fall back to whatever session cookie came along.
    """

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if "HTTP_AUTHORIZATION" in request.META:
            return None
        return super().authenticate(request, key)


API_AUTH = [TokenAuth(), BrowserSessionAuth()]
