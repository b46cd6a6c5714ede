"""Signed, expiring links for email verification and email changes.

A verification link carries the user id and the address being verified, so it keeps
working only for the address it was sent to.
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


def _load(token: str, salt: str, *, expired: str, invalid: str) -> tuple[User | None, dict]:
    """The signed payload and the active member it names, or BadVerificationLink."""
    try:
        data = signing.loads(token, salt=salt, max_age=MAX_AGE)
    except signing.SignatureExpired:
        raise BadVerificationLink(expired) from None
    except signing.BadSignature:
        raise BadVerificationLink(invalid) from None
    return User.objects.filter(pk=data.get("u"), is_active=True).first(), data


def read_verification_token(token: str) -> User:
    """Return the user the token verifies, or raise BadVerificationLink saying why."""
    user, data = _load(
        token,
        _SALT,
        expired="This verification link has expired. Sign in and ask for a new one.",
        invalid="This verification link is not valid.",
    )
    if user is None or user.email.lower() != data.get("e"):
        raise BadVerificationLink("This verification link is not valid for any account.")
    return user


_CHANGE_SALT = "ensemble.accounts.change-email"


def make_email_change_token(user: User, new_email: str) -> str:
    """A link that moves `user` from their current address to `new_email`.

    It names the current address too, so it dies as soon as the address changes in any
    way: it works once, and an older request cannot undo a newer one.
    """
    payload = {"u": user.pk, "old": user.email.lower(), "new": new_email}
    return signing.dumps(payload, salt=_CHANGE_SALT, compress=True)


def read_email_change_token(token: str) -> tuple[User, str]:
    """Return (user, new address), or raise BadVerificationLink saying why."""
    user, data = _load(
        token,
        _CHANGE_SALT,
        expired="This confirmation link has expired. Ask for the change again.",
        invalid="This confirmation link is not valid.",
    )
    if user is None or user.email.lower() != data.get("old"):
        raise BadVerificationLink(
            "This confirmation link is no longer valid: the address has changed since."
        )
    return user, str(data.get("new", ""))
