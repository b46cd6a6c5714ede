"""API tokens are writes too: past the per-address limit (`token_ip`) the page and the
API answer 429 with Retry-After and no token is made (per member: `token_create`)."""

from __future__ import annotations

import pytest
from django.test import Client

from ensemble.accounts.models import AccessToken
from ensemble.accounts.testing import PASSWORD
from ensemble.accounts.tests.api_helpers import assert_error, post_json

pytestmark = pytest.mark.django_db


def test_tokens_over_the_address_limit_are_refused(alice, bob, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "token_ip": (1, 3600)}
    client = Client()
    client.force_login(alice)
    assert client.post("/settings/tokens/", {"name": "script"}).status_code == 200
    page = client.post("/settings/tokens/", {"name": "another"})
    assert (page.status_code, int(page["Retry-After"]) > 0) == (429, True)
    api = post_json(
        Client(), "/api/v1/auth/tokens", {"username": "bob", "password": PASSWORD, "name": "x"}
    )
    assert_error(api, 429, "rate_limited")
    assert AccessToken.objects.count() == 1
    elsewhere = post_json(
        Client(REMOTE_ADDR="203.0.113.9"),
        "/api/v1/auth/tokens",
        {"username": "bob", "password": PASSWORD, "name": "x"},
    )
    assert elsewhere.status_code == 201
