"""Compose an email from templates and queue it for the worker."""

from typing import Any

from django.db import transaction
from django.template.loader import render_to_string

from ensemble.core.tasks import send_email


def queue_email(to: str, template: str, context: dict[str, Any]) -> None:
    """Render `<template>.subject.txt` and `<template>.txt`, send after the commit."""
    queue_templated_email(to, f"{template}.subject.txt", f"{template}.txt", context)


def queue_templated_email(
    to: str, subject_template: str, body_template: str, context: dict[str, Any]
) -> None:
    """Render the subject (on one line) and the body now, send after the commit.

    Sending after the commit means a rolled-back sign-up never mails anyone, and the
    request never waits for the mail server.
    """
    subject = " ".join(render_to_string(subject_template, context).split())
    body = render_to_string(body_template, context)
    transaction.on_commit(lambda: send_email.enqueue(to=[to], subject=subject, body=body))
