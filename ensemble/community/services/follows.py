"""Follows: people and projects. Idempotent both ways; never yourself."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q

from ensemble.accounts import blocks
from ensemble.accounts.models import User
from ensemble.community.models import Follow
from ensemble.core.refusals import Refused
from ensemble.notifications.services import notify
from ensemble.projects import services as projects
from ensemble.projects.models import Project


def follow_person(follower: User, person: User) -> bool:
    if follower.pk == person.pk:
        raise Refused("You cannot follow yourself.", status=409, code="self")
    if not person.is_active:
        raise Refused("There is no such member.", status=404, code="not_found")
    blocks.refuse_if_blocked([person.pk], follower, "follow this member")
    try:
        with transaction.atomic():
            made = Follow.objects.create(follower=follower, person=person)
            notify(person, "new_follower", actor=follower, about=made)
    except IntegrityError:
        return False
    return True


def follow_project(follower: User, project: Project) -> bool:
    if not projects.can_view_project(follower, project):
        raise Refused("There is no such project.", status=404, code="not_found")
    try:
        with transaction.atomic():
            Follow.objects.create(follower=follower, project=project)
    except IntegrityError:
        return False
    return True


def unfollow(follower: User, *, person: User | None = None, project: Project | None = None) -> bool:
    removed, _ = Follow.objects.filter(follower=follower, person=person, project=project).delete()
    return bool(removed)


def follows(user: Any, *, person: User | None = None, project: Project | None = None) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return Follow.objects.filter(follower=user, person=person, project=project).exists()


def drop_follows_across(blocker: User, blocked: User) -> None:
    """A block ends follows both ways (`accounts.blocks.on_block`)."""
    Follow.objects.filter(
        Q(follower=blocker, person=blocked) | Q(follower=blocked, person=blocker)
    ).delete()
