"""`notify`: the one way every feature tells a member something.

Notifications about a conversation (a mention, a reply) name their `thread`: the record,
project, call or proposal the comment is on. A member gets at most one email per thread
per quarter hour (the `thread_email` rate limit); the others are still on the site and
wait for the daily digest, so fifty mentions in four minutes are one email, not fifty.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Model
from django.http import HttpRequest
from django.utils import timezone

from ensemble.core import ratelimit
from ensemble.notifications import kinds
from ensemble.notifications.kinds import Delivery
from ensemble.notifications.models import Notification, Preference
from ensemble.notifications.tasks import email_notification


def delivery_for(user: Any, kind: str) -> Delivery:
    """The member's choice for this kind, or the kind's default."""
    chosen = (
        Preference.objects.filter(user=user, kind=kind).values_list("delivery", flat=True).first()
    )
    return Delivery(chosen) if chosen else kinds.get(kind).default


def _email_now(user_pk: int, thread: Model | None) -> bool:
    """Whether this email may go alone, or waits for the digest (see the module)."""
    if thread is None:
        return True
    key = f"user:{user_pk}:{thread._meta.label_lower}:{thread.pk}"
    return ratelimit.allow("thread_email", key)


def notify(
    user: Any,
    kind: str,
    *,
    about: Model | None = None,
    actor: Any = None,
    thread: Model | None = None,
) -> Notification | None:
    """Create an in-app notification and, if the member wants it, queue an email.

    Returns None when the member turned this kind off. Nobody is notified of their own
    action. The email is queued after the commit, so a rolled-back action sends nothing.
    With a `thread`, emails are coalesced (see the module).
    """
    kinds.get(kind)  # fail loudly on a typo, before writing anything
    if actor is not None and actor.pk == user.pk:
        return None
    delivery = delivery_for(user, kind)
    if delivery == Delivery.OFF:
        return None
    # Only to a verified address: otherwise anyone could sign up with a stranger's address
    # and make us mail it (verification and email-change links are sent elsewhere).
    email = delivery == Delivery.EMAIL and bool(user.email) and user.email_verified_at is not None
    alone = email and _email_now(user.pk, thread)
    notification = Notification.objects.create(
        recipient=user,
        kind=kind,
        actor=actor,
        about_type=ContentType.objects.get_for_model(about) if about is not None else None,
        about_id=about.pk if about is not None else None,
        to_digest=email and not alone,
    )
    if alone:
        transaction.on_commit(lambda: email_notification.enqueue(notification.pk))
    return notification


def notify_many(
    users: list[Any],
    kind: str,
    *,
    about: Model | None = None,
    actor: Any = None,
    thread: Model | None = None,
) -> list[Notification]:
    """`notify` for many members at once, in a fixed number of queries however many
    (everyone in a credit roll, everyone taking part in a project). The same rules: not
    the actor, not those who turned the kind off, email only to verified addresses,
    coalesced by `thread` (one counter statement per person emailed)."""
    spec = kinds.get(kind)
    people = {u.pk: u for u in users if actor is None or u.pk != actor.pk}
    chosen = dict(
        Preference.objects.filter(user_id__in=list(people), kind=kind).values_list(
            "user_id", "delivery"
        )
    )
    delivery = {pk: Delivery(chosen[pk]) if pk in chosen else spec.default for pk in people}
    about_type = ContentType.objects.get_for_model(about) if about is not None else None
    wanted = [pk for pk in sorted(people) if delivery[pk] != Delivery.OFF]
    email = {
        pk
        for pk in wanted
        if delivery[pk] == Delivery.EMAIL
        and people[pk].email
        and people[pk].email_verified_at is not None
    }
    alone = {pk for pk in sorted(email) if _email_now(pk, thread)}
    rows = Notification.objects.bulk_create(
        Notification(
            recipient_id=pk,
            kind=kind,
            actor=actor,
            about_type=about_type,
            about_id=about.pk if about is not None else None,
            to_digest=pk in email and pk not in alone,
        )
        for pk in wanted
    )
    emailed = [row.pk for row in rows if row.recipient_id in alone]
    if emailed:
        transaction.on_commit(lambda: [email_notification.enqueue(pk) for pk in emailed])
    return rows


MAX_ID = 2**63 - 1  # ids are 64-bit; larger numbers name nothing (and SQLite overflows)


def mark_read(user: Any, notification_ids: list[int] | None = None) -> int:
    """Mark the given notifications (or all) as read; return how many changed.

    Ids that are not this member's, or not anyone's, are ignored.
    """
    unread = Notification.objects.for_user(user).unread()
    if notification_ids is not None:
        unread = unread.filter(pk__in=[i for i in notification_ids if 0 < i <= MAX_ID])
    return unread.update(read_at=timezone.now())


def attach_about(rows: list[Notification]) -> list[Notification]:
    """Fetch what notifications are about in one query per type, never one per row.

    Select the rows with `select_related("about_type")`. A notification whose object was
    deleted reads `about` as None; its stored type and id are left alone.
    """
    about = Notification._meta.get_field("about")
    by_type: dict[int, list[Notification]] = {}
    for row in rows:
        if row.about_type_id:
            by_type.setdefault(row.about_type_id, []).append(row)
    for group in by_type.values():
        about_type = group[0].about_type
        model = about_type.model_class() if about_type is not None else None
        if model is None:  # the app that owned the type was removed
            for row in group:
                about.set_cached_value(row, None)
            continue
        objects = model._default_manager.in_bulk([row.about_id for row in group])
        for row in group:
            about.set_cached_value(row, objects.get(row.about_id))
    return rows


@transaction.atomic
def set_preferences(user: Any, choices: dict[str, Delivery]) -> None:
    """Store the member's choices; a choice equal to the default stores nothing."""
    for key, delivery in choices.items():
        kind = kinds.get(key)
        if delivery == kind.default:
            Preference.objects.filter(user=user, kind=key).delete()
        else:
            Preference.objects.update_or_create(
                user=user, kind=key, defaults={"delivery": delivery}
            )


def newest_and_unread(user_id: int) -> tuple[int, int]:
    """The id of the member's newest notification (0 for none) and how many are unread,
    in one plain statement from the two indexes (every member's page shows the count,
    and building the ORM's count took 0.2 ms where running it takes 0.02). Together they
    change whenever the member's list does (one arrives, or is read; notifications are
    never edited, and deleted only with the account), so they key the list kept for
    them (views.notification_list)."""
    q = connection.ops.quote_name
    table, recipient = q(Notification._meta.db_table), q("recipient_id")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT MAX({q('id')}) FROM {table} WHERE {recipient} = %s), "  # noqa: S608
            f"(SELECT COUNT(*) FROM {table} WHERE {recipient} = %s AND {q('read_at')} IS NULL)",
            [user_id, user_id],
        )
        newest, count = cursor.fetchone()
    return int(newest or 0), int(count)


def header_stamp(request: HttpRequest) -> str:
    """A member's page kept whole (core.memberpages) holds the header's unread count:
    its key holds their newest notification and that count, read once per request with
    the count the header then shows."""
    newest, unread = newest_and_unread(request.user.pk or 0)  # only members' pages are kept
    request.unread_notifications = unread  # type: ignore[attr-defined]  # the header's count
    return f"notifications:{newest}:{unread}"
