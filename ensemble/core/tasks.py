"""Background tasks shared by every app."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.tasks import task


@task
def send_email(to: list[str], subject: str, body: str, html: str = "") -> int:
    """Send one email. Runs in the worker so a slow mail server never slows a page."""
    message = EmailMultiAlternatives(
        subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=to
    )
    if html:
        message.attach_alternative(html, "text/html")
    return message.send()
