"""Compose an email from templates and queue it for the worker."""

from typing import Any

from django.db import transaction
from django.template.loader import render_to_string

from ensemble.core.tasks import send_email


def queue_email(to: str, template: str, context: dict[str, Any]) -> None:
    """Render `<template>.subject.txt` and `<template>.txt`, send after the commit.

    Sending after the commit means a rolled-back sign-up never mails anyone, and the
    request never waits for the mail server.
    """
    subject = " ".join(render_to_string(f"{template}.subject.txt", context).split())
    body = render_to_string(f"{template}.txt", context)
    transaction.on_commit(lambda: send_email.enqueue(to=[to], subject=subject, body=body))
