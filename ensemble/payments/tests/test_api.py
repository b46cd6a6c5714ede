"""The payments API: the whole flow, explanations, privacy of drafts, the error shape."""

from __future__ import annotations

import pytest
from django.test import Client

from ensemble.accounts.tests.api_helpers import assert_error, post_json
from ensemble.payments.models import Proposal
from ensemble.payments.testing import released_production

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(alice, bob, carol):
    return released_production(alice, bob, carol)


def patch_json(client, path, data):
    import json

    return client.patch(path, json.dumps(data), content_type="application/json")


def test_the_money_flow_through_the_api(alice_client, bob, carol, story, settings):
    settings.PAYMENT_COMMENT_SECONDS = 0
    made = post_json(
        alice_client,
        f"/api/v1/productions/{story.production.pk}/pools",
        {"kind": "profit_share", "currency": "EUR"},
    )
    assert made.status_code == 201, made.content
    pool = made.json()["id"]
    entry = post_json(
        alice_client,
        f"/api/v1/pools/{pool}/entries",
        {
            "kind": "revenue",
            "amount": 10_001,
            "currency": "EUR",
            "on": "2026-11-27",
            "description": "Streaming",
        },
    )
    assert entry.json()["available"] == {
        "minor_units": 5_000,
        "amount": "50.00",
        "currency": "EUR",
        "display": "€50.00",
    }
    proposal = post_json(alice_client, f"/api/v1/pools/{pool}/proposals", {}).json()
    assert Client().get(f"/api/v1/proposals/{proposal['id']}").status_code == 404  # a draft
    revised = patch_json(
        alice_client,
        f"/api/v1/proposals/{proposal['id']}",
        {
            "waivers": [{"user": "bob", "reason": "Bob gives his part to the script."}],
            "reason": "Bob asked.",
        },
    )
    assert revised.status_code == 200, revised.content
    assert revised.json()["revision"] == 2
    assert revised.json()["adjustments"]["waivers"][0]["user"] == "bob"
    post_json(alice_client, f"/api/v1/proposals/{proposal['id']}/publish", {})
    lines = Client().get(f"/api/v1/proposals/{proposal['id']}/lines").json()
    by_user = {line["user"]: line for line in lines}
    assert by_user["carol"]["amount"]["minor_units"] == 5_000
    assert by_user["bob"]["note"].startswith("Waived")
    script = next(t for t in by_user["carol"]["through"] if t["title"] == "The script")
    assert [s["from_title"] for s in script["path"]] == ["The drawing", "The film"]
    # Bob waived: his 12.50 goes to Carol, and her line's parts say so and add up.
    parts = by_user["carol"]["parts"]
    assert [p["kind"] for p in parts] == ["record", "record", "redistributed"]
    assert parts[-1]["amount"]["display"] == "€12.50"
    added = sum(p["amount"]["minor_units"] for p in parts)
    assert added + by_user["carol"]["rounding"]["minor_units"] == 5_000
    assert [p["kind"] for p in by_user["bob"]["parts"]] == ["record", "waived"]
    assert sum(p["amount"]["minor_units"] for p in by_user["bob"]["parts"]) == 0
    compare = Client().get(f"/api/v1/proposals/{proposal['id']}/compare?a=1&b=2").json()
    assert {c["user"]: c["change"] for c in compare} == {"bob": -1_250, "carol": 1_250}
    done = post_json(alice_client, f"/api/v1/proposals/{proposal['id']}/finalize", {})
    assert done.json()["status"] == "final"
    assert_error(
        post_json(alice_client, f"/api/v1/proposals/{proposal['id']}/finalize", {}), 409, "final"
    )
    batch = post_json(alice_client, f"/api/v1/pools/{pool}/payouts", {})
    assert batch.status_code == 201
    csv = alice_client.get(f"/api/v1/pools/{pool}/payouts.csv")
    assert csv["Content-Type"].startswith("text/csv")
    assert csv.content == alice_client.get(f"/api/v1/pools/{pool}/payouts.csv").content
    amounts = [int(row.split(",")[-1]) for row in csv.content.decode().splitlines()[1:]]
    assert sum(amounts) == Proposal.objects.get().amount
    client = Client()
    client.force_login(carol)
    earnings = client.get("/api/v1/me/earnings").json()
    assert earnings["totals"]["EUR"]["final"]["amount"] == "50.00"


def test_bad_requests_in_the_error_shape(alice_client, carol, story):
    base = f"/api/v1/productions/{story.production.pk}/pools"
    assert_error(
        post_json(alice_client, base, {"kind": "profit_share", "currency": "ZZZ"}), 422, "invalid"
    )
    pool = post_json(alice_client, base, {"kind": "profit_share", "currency": "EUR"}).json()["id"]
    entry = {
        "kind": "revenue",
        "amount": 5,
        "currency": "EUR",
        "on": "2026-11-27",
        "description": "x",
    }
    for change, code in (({"amount": -1}, "invalid"), ({"currency": "USD"}, "wrong_currency")):
        response = post_json(alice_client, f"/api/v1/pools/{pool}/entries", entry | change)
        assert_error(response, 422, code)
    assert_error(post_json(alice_client, f"/api/v1/pools/{pool}/proposals", {}), 409, "empty")
    outsider = Client()
    outsider.force_login(carol)
    assert_error(
        post_json(
            outsider,
            f"/api/v1/pools/{pool}/entries",
            {
                "kind": "revenue",
                "amount": 5,
                "currency": "EUR",
                "on": "2026-11-27",
                "description": "x",
            },
        ),
        403,
        "forbidden",
    )
    assert outsider.get(f"/api/v1/pools/{pool}/payouts.csv").status_code == 403
