"""Payment-proposal comments share the comment limit (per member and per address) and
the mention limit: over them, 429 with Retry-After on the page and in the API."""

from __future__ import annotations

import pytest
from django.test import Client

from ensemble.accounts.tests.api_helpers import assert_error, post_json
from ensemble.community.models import Comment
from ensemble.payments.models import Pool
from ensemble.payments.services import pools, proposals
from ensemble.payments.testing import released_production

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposal(alice, bob, carol):
    story = released_production(alice, bob, carol)
    pool = pools.create_pool(
        story.production, by=alice, kind=Pool.Kind.FIXED_BUDGET, currency="EUR", budget=40_000
    )
    made = proposals.make_proposal(pool, by=alice)
    proposals.publish(made, by=alice)
    return made


def test_proposal_comments_over_the_limit_are_refused(proposal, bob, carol, settings, rate_clock):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "comment": (1, 600)}
    client, other = Client(), Client()
    client.force_login(bob)
    other.force_login(carol)
    url = f"/api/v1/proposals/{proposal.pk}/comments"
    assert post_json(client, url, {"body": "Too low"}).status_code == 201
    assert_error(post_json(client, url, {"body": "Still too low"}), 429, "rate_limited")
    page = client.post(f"/proposals/{proposal.pk}/comments", {"body": "Hello?"})
    assert (page.status_code, int(page["Retry-After"]) > 0) == (429, True)
    assert Comment.objects.count() == 1
    assert post_json(other, url, {"body": "Fine by me"}).status_code == 201
    rate_clock.advance(600)
    assert post_json(client, url, {"body": "Thanks"}).status_code == 201


def test_the_proposal_page_shows_the_newest_comments_and_links_to_older_ones(proposal, bob):
    Comment.objects.bulk_create(
        Comment(subject=proposal, author=bob, body=f"Point {i}", body_html=f"<p>Point {i}</p>")
        for i in range(60)
    )
    viewer = Client()
    viewer.force_login(bob)
    page = viewer.get(f"/proposals/{proposal.pk}").content.decode()
    assert "Point 59" in page
    assert "Point 9<" not in page
    older = Comment.objects.order_by("pk")[10].pk
    assert f"?comments_before={older}" in page
    back = viewer.get(f"/proposals/{proposal.pk}?comments_before={older}").content.decode()
    assert "Point 9<" in back
    assert "Point 10<" not in back
