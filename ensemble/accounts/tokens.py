"""Signed, expiring links for email verification.

The link carries the user id and the address being verified, so a link keeps working
only for the address it was sent to.
"""

from __future__ import annotations

from django.core import signing

from ensemble.accounts.models import User

_SALT = "ensemble.accounts.verify-email"
MAX_AGE = 60 * 60 * 24 * 3


class BadVerificationLink(ValueError):
    pass


def make_verification_token(user: User) -> str:
    return signing.dumps({"u": user.pk, "e": user.email.lower()}, salt=_SALT, compress=True)


def read_verification_token(token: str) -> User:
    """Return the user the token verifies, or raise BadVerificationLink saying why."""
    try:
        data = signing.loads(token, salt=_SALT, max_age=MAX_AGE)
    except signing.SignatureExpired:
        raise BadVerificationLink(
            "This verification link has expired. Sign in and ask for a new one."
        ) from None
    except signing.BadSignature:
        raise BadVerificationLink("This verification link is not valid.") from None
    user = User.objects.filter(pk=data.get("u"), is_active=True).first()
    if user is None or user.email.lower() != data.get("e"):
        raise BadVerificationLink("This verification link is not valid for any account.")
    return user
