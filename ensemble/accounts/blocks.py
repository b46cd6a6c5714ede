"""Blocking: a member keeps another away, privately.

What a block does is spread over the apps that own each action; they ask here:
- `refuse_if_blocked(owner_ids, actor)`: the blocked one cannot comment on, answer,
  heart, follow or enter the calls of whoever blocked them (community, projects);
- `blocked_by(user)`: whom this member blocks, for what they are not shown (the
  comments of blocked people in threads, remixes by them in the feed);
- `either_way(user)`: members with a block between them and this one, either way, for
  the feed and mentions;
- `on_block`: what other apps undo when a block is made (community drops the follows
  both ways), connected from their AppConfig.ready().
Credits and lineage never change: credit is a fact, not a favour.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q

from ensemble.accounts.models import Block, User
from ensemble.core.refusals import Refused

on_block: list[Callable[[User, User], None]] = []


def block(blocker: User, blocked: User) -> bool:
    """Block a member; False if they were blocked already (nothing changes)."""
    if blocker.pk == blocked.pk:
        raise Refused("You cannot block yourself.", status=409, code="self")
    if not blocked.is_active:
        raise Refused("There is no such member.", status=404, code="not_found")
    try:
        with transaction.atomic():
            Block.objects.create(blocker=blocker, blocked=blocked)
            User.objects.filter(pk=blocker.pk).update(blocks_someone=True)
            for handler in on_block:
                handler(blocker, blocked)
    except IntegrityError:
        return False  # the unique constraint: once, even racing
    blocker.blocks_someone = True
    return True


def unblock(blocker: User, blocked: User) -> bool:
    with transaction.atomic():
        removed, _ = Block.objects.filter(blocker=blocker, blocked=blocked).delete()
        still = Block.objects.filter(blocker=blocker).exists()
        User.objects.filter(pk=blocker.pk).update(blocks_someone=still)
    blocker.blocks_someone = still
    return bool(removed)


def blocked_by(user: Any) -> frozenset[int]:
    """The members this one blocks: no query for the many who block nobody."""
    if not getattr(user, "blocks_someone", False):
        return frozenset()
    return frozenset(Block.objects.filter(blocker=user).values_list("blocked_id", flat=True))


def either_way(user: Any) -> frozenset[int]:
    """Members with a block between them and this one, whoever made it."""
    if getattr(user, "pk", None) is None:
        return frozenset()
    rows = Block.objects.filter(Q(blocker=user) | Q(blocked=user)).values_list(
        "blocker_id", "blocked_id"
    )
    return frozenset(other for pair in rows for other in pair if other != user.pk)


def blocks(blocker: Any, blocked: Any) -> bool:
    if not getattr(blocker, "blocks_someone", False) or getattr(blocked, "pk", None) is None:
        return False
    return Block.objects.filter(blocker=blocker, blocked=blocked).exists()


def refuse_if_blocked(owner_ids: Iterable[int | None], actor: Any, what: str) -> None:
    """Refused (403 `blocked`) when any of these members blocks `actor`."""
    owners = {pk for pk in owner_ids if pk is not None and pk != getattr(actor, "pk", None)}
    if owners and Block.objects.filter(blocker_id__in=owners, blocked=actor).exists():
        raise Refused(f"You cannot {what}.", status=403, code="blocked")
