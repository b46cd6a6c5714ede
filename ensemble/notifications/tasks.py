from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from ensemble.notifications.models import Notification


@task
def email_notification(notification_id: int) -> bool:
    """Email one notification. Idempotent: a retried task never mails twice."""
    with transaction.atomic():
        notification = (
            # of=("self",): PostgreSQL refuses FOR UPDATE on the nullable side of the
            # outer join to the actor, and only this row needs the lock anyway.
            Notification.objects.select_for_update(of=("self",))
            .select_related("recipient", "actor")
            .filter(pk=notification_id, emailed_at__isnull=True)
            .first()
        )
        if notification is None:
            return False
        context = {
            "notification": notification,
            "user": notification.recipient,
            "link": settings.SITE_URL + notification.link,
            "site_name": settings.SITE_NAME,
            "preferences_link": settings.SITE_URL + reverse("notifications:preferences"),
        }
        # One line: a newline in a header is refused, and texts quote what members typed.
        text = " ".join(notification.text.split())
        subject = f"[{settings.SITE_NAME}] {text}"
        body = render_to_string("notifications/email/notification.txt", context)
        send_mail(subject[:200], body, None, [notification.recipient.email])
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return True
