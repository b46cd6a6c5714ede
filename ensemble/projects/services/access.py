"""Who may do what in a project: leaders, and who sees a project."""

from __future__ import annotations

from typing import Any

from ensemble.core.refusals import Refused
from ensemble.projects.models import (
    Leader,
    Project,
)

# ---------------------------------------------------------------- who may do what


def is_leader(user: Any, project: Project | None) -> bool:
    if project is None or user is None or not getattr(user, "is_authenticated", False):
        return False
    if project.owner_id == user.pk:
        return True
    return Leader.objects.filter(project=project, user=user).exists()


def can_view_project(user: Any, project: Project) -> bool:
    """Everyone, but a draft (its leaders) and one moderators hid (its leaders and the
    moderators: the moderation app's permission, by name)."""
    if project.is_visible_to_everyone or is_leader(user, project):
        return True
    return project.hidden_at is not None and bool(
        getattr(user, "is_active", False) and user.has_perm("moderation.moderate")
    )


def require_leader(user: Any, project: Project | None, *, what: str = "do that") -> None:
    if project is None:
        raise Refused("This call belongs to no project.", status=403, code="forbidden")
    if not is_leader(user, project):
        if can_view_project(user, project):
            raise Refused(f"Only the project's leaders can {what}.", status=403, code="forbidden")
        raise Refused("There is no such project.", status=404, code="not_found")
