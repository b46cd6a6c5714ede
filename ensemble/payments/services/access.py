"""Who may act on a pool: the leaders of the production's project; admins for the
exceptions (finalizing early)."""

from __future__ import annotations

from typing import Any

from ensemble.core.refusals import Refused
from ensemble.payments.models import Pool
from ensemble.projects import services as projects


def is_pool_leader(user: Any, pool: Pool) -> bool:
    return projects.is_leader(user, pool.production.project)


def require_pool_leader(user: Any, pool: Pool, *, what: str) -> None:
    if not is_pool_leader(user, pool):
        raise Refused(f"Only the project's leaders can {what}.", status=403, code="forbidden")


def is_admin(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_staff)
