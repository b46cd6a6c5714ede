from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from ensemble.notifications.models import Notification


@task
def email_notification(notification_id: int) -> bool:
    """Email one notification, at most once.

    The row is claimed first (emailed_at set by one conditional UPDATE, committed at
    once), then the mail is sent outside any transaction: a slow mail server never holds
    a database lock (on SQLite that would stall every write on the site), and a task run
    twice finds the row already claimed. The price: a worker killed between the claim and
    the send loses that one email, which the in-app notification still shows.
    """
    claimed = Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return False
    notification = Notification.objects.select_related("recipient", "actor").get(pk=notification_id)
    context = {
        "notification": notification,
        "user": notification.recipient,
        "link": settings.SITE_URL + notification.link,
        "site_name": settings.SITE_NAME,
        "preferences_link": settings.SITE_URL + reverse("notifications:preferences"),
    }
    # One line: a newline in a header is refused, and texts quote what members typed.
    text = " ".join(notification.text_plain.split())
    subject = f"[{settings.SITE_NAME}] {text}"
    body = render_to_string("notifications/email/notification.txt", context)
    html = render_to_string("notifications/email/notification.html", context)
    send_mail(subject[:200], body, None, [notification.recipient.email], html_message=html)
    return True
