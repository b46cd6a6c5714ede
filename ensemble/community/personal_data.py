"""What community holds of a member, for `accounts`: their part of an export
(comments, hearts, follows and lists), and what erasing the account removes."""

from __future__ import annotations

from ensemble.accounts.exports import Part
from ensemble.accounts.models import User
from ensemble.community.models import Comment, Follow, Heart, ListItem, RecordList


def collect(user: User) -> Part:
    lists = RecordList.objects.filter(owner=user).order_by("pk")
    items = ListItem.objects.filter(record_list__owner=user).order_by("record_list", "position")
    by_list: dict[int, list[dict[str, object]]] = {}
    for list_id, record_id, note in items.values_list("record_list_id", "record_id", "note"):
        by_list.setdefault(list_id, []).append({"record_id": record_id, "note": note})
    comments = Comment.objects.filter(author=user).select_related("subject_type").order_by("pk")
    return Part(
        {
            "comments": [
                {
                    "on": f"{c.subject_type.model} {c.subject_id}",
                    "reply_to": c.reply_to_id,
                    "body": c.body,
                    "created_at": c.created_at,
                    "edited_at": c.edited_at,
                    "deleted_at": c.deleted_at,
                }
                for c in comments
            ],
            "hearts": list(Heart.objects.filter(user=user).values("record_id", "created_at")),
            "follows": list(
                Follow.objects.filter(follower=user).values(
                    "person__username", "project__slug", "created_at"
                )
            ),
            "lists": [
                {
                    "title": lst.title,
                    "description": lst.description,
                    "items": by_list.get(lst.pk, []),
                }
                for lst in lists
            ],
        }
    )


def erase(user: User, records_too: bool) -> None:
    """An account deleted (`accounts.deletion`): its hearts (the counts follow), its
    follows both ways and its lists go; its comments stay, by a former member."""
    from django.db.models import F, Q

    from ensemble.records.models import Record

    Record.objects.filter(hearts__user=user, heart_count__gt=0).update(
        heart_count=F("heart_count") - 1
    )
    Heart.objects.filter(user=user).delete()
    Follow.objects.filter(Q(follower=user) | Q(person=user)).delete()
    RecordList.objects.filter(owner=user).delete()
