"""What the moderation API tests share: the paths, signing in, filing and deciding."""

from __future__ import annotations

from django.test import Client

from ensemble.accounts.tests.api_helpers import assert_error, post_json
from ensemble.moderation.models import Report

REPORTS = "/api/v1/reports"
QUEUE = "/api/v1/moderation/reports"
LOG = "/api/v1/moderation/log"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def file(client, kind, target_id, *, reason="spam", text="Posted forty times today.", **extra):
    body = {"kind": kind, "target_id": target_id, "reason": reason, "text": text, **extra}
    return post_json(client, REPORTS, body)


def decide(client, report_id, action="dismiss", note="Within the rules."):
    return post_json(client, f"{QUEUE}/{report_id}/decision", {"action": action, "note": note})


def assert_nothing_filed(response, status, code, *, reports=0):
    """The refusal in the one error shape, and no report made by it."""
    body = assert_error(response, status, code)
    assert Report.objects.count() == reports
    return body
