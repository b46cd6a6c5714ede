"""Factories for tests of any app: members (the named cast is in conftest.py)."""

from __future__ import annotations

import itertools
from typing import Any

from django.utils import timezone

from ensemble.accounts.models import User

_counter = itertools.count(1)
PASSWORD = "correct horse battery staple"  # noqa: S105 - test accounts only


def make_user(username: str | None = None, *, verified: bool = True, **fields: Any) -> User:
    n = next(_counter)
    username = username or f"member{n}"
    user = User(
        username=username,
        email=fields.pop("email", f"{username}@example.org"),
        email_verified_at=timezone.now() if verified else None,
        **fields,
    )
    user.set_password(PASSWORD)
    user.save()
    return user
