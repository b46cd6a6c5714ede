"""The daily digest: one email a day gathering the notifications a member chose to get
that way (preference "On the site and in a daily email").

Mention and reply emails held back by coalescing (`services`: one per thread per quarter
hour) come here too, whatever the member's preference.

The worker's `notifications.digest` sweeper sends it: for each member with digest
notifications not emailed yet, once a day at most (a day after the previous digest, or
after the oldest waiting notification). The rows are claimed (emailed_at set) in one
UPDATE before the mail goes, outside any transaction, as single emails are.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Exists, Max, Min, OuterRef, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from ensemble.notifications.kinds import Delivery
from ensemble.notifications.models import Notification, Preference

DAY = timedelta(days=1)


def _digests() -> QuerySet[Notification]:
    """Notifications of kinds their recipient wants in the daily digest, and those held
    back from their own email (another about the same thread had just gone out)."""
    wants_digest = Exists(
        Preference.objects.filter(
            user=OuterRef("recipient"), kind=OuterRef("kind"), delivery=Delivery.DIGEST
        )
    )
    return Notification.objects.filter(recipient__email_verified_at__isnull=False).filter(
        Q(wants_digest) | Q(to_digest=True)
    )


def send_due(now: datetime | None = None) -> int:
    """Send every digest that is due; returns how many were sent."""
    now = now or timezone.now()
    waiting = _digests().filter(emailed_at__isnull=True)
    oldest = dict(waiting.values_list("recipient_id").annotate(first=Min("created_at")))
    last = dict(
        _digests()
        .filter(recipient_id__in=list(oldest), emailed_at__isnull=False)
        .values_list("recipient_id")
        .annotate(sent=Max("emailed_at"))
    )
    due = [r for r, first in oldest.items() if now - (last.get(r) or first) >= DAY]
    sent = 0
    for recipient_id in due:  # one email each: a query to claim, one to read
        rows = list(waiting.filter(recipient_id=recipient_id).select_related("recipient", "actor"))
        claimed = Notification.objects.filter(
            pk__in=[r.pk for r in rows], emailed_at__isnull=True
        ).update(emailed_at=now)
        if not claimed:
            continue  # another worker took them
        user = rows[0].recipient
        context = {
            "user": user,
            "notifications": rows,
            "site_name": settings.SITE_NAME,
            "site_url": settings.SITE_URL,
            "preferences_link": settings.SITE_URL + reverse("notifications:preferences"),
        }
        body = render_to_string("notifications/email/digest.txt", context)
        html = render_to_string("notifications/email/digest.html", context)
        count = f"{len(rows)} thing{'s' if len(rows) != 1 else ''}"
        subject = f"[{settings.SITE_NAME}] {count} since yesterday"
        send_mail(subject, body, None, [user.email], html_message=html)
        sent += 1
    return sent
