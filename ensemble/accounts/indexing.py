"""A member's search document: found by name, username, bio and skills while active."""

from __future__ import annotations

from ensemble.accounts.models import User
from ensemble.search import index


def reindex(user: User) -> None:
    if not user.is_active:
        index.drop("person", user.pk)
        return
    skills = " ".join(skill.label for skill in user.skill_list())
    index.put("person", user.pk, title=f"{user.name} @{user.username}", body=user.bio, tags=skills)
