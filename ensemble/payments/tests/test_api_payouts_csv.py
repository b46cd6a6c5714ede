"""`GET /pools/{id}/payouts.csv` answers as its description says (found by Schemathesis)."""

import pytest

from ensemble.accounts.tests.api_helpers import assert_error
from ensemble.payments.services import pools
from ensemble.payments.testing import released_production

pytestmark = pytest.mark.django_db


def test_a_pool_without_a_batch_answers_a_json_404(alice_client, alice, bob, carol):
    story = released_production(alice, bob, carol)
    pool = pools.create_pool(story.production, by=alice, kind="profit_share", currency="EUR")

    response = alice_client.get(f"/api/v1/pools/{pool.pk}/payouts.csv")

    assert_error(response, 404, "not_found")


def test_the_csv_is_described_as_csv(client):
    document = client.get("/api/v1/openapi.json").json()
    operation = document["paths"]["/api/v1/pools/{pool_id}/payouts.csv"]["get"]

    assert set(operation["responses"]["200"]["content"]) == {"text/csv"}
