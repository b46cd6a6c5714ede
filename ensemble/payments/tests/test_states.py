"""Every move of a proposal the table leaves out is refused with the sentence and code
publishing and finalizing have always given, and changes nothing; the moves it lists are
made, with their dates, and finalizing with who and why."""

from __future__ import annotations

import pytest
from django.utils import timezone

from ensemble.core.refusals import Refused
from ensemble.payments.models import Proposal
from ensemble.payments.services import pools, proposals
from ensemble.payments.testing import released_production

pytestmark = pytest.mark.django_db

States = Proposal.Status
REFUSED = Proposal.TRANSITIONS.refused_moves(States.values)
ALLOWED = [(a, b) for a in States.values for b in States.values if (a, b) not in REFUSED]
# What the services have always answered, by move.
ANSWERS = {
    (States.DRAFT, States.DRAFT): ("conflict", "This proposal cannot be made a draft."),
    (States.PUBLISHED, States.DRAFT): ("conflict", "This proposal cannot be made a draft."),
    (States.FINAL, States.DRAFT): ("final", "This proposal is final already."),
    (States.PUBLISHED, States.PUBLISHED): (
        "not_draft",
        "This proposal is already open for comments.",
    ),
    (States.FINAL, States.PUBLISHED): ("not_draft", "This proposal is already final."),
    (States.DRAFT, States.FINAL): (
        "not_published",
        "Publish the proposal first: everyone in it gets a say.",
    ),
    (States.FINAL, States.FINAL): ("final", "This proposal is final already."),
}


def test_the_table_names_every_state_and_every_refused_move_has_its_answer():
    assert set(Proposal.TRANSITIONS.moves) == set(States.values)
    assert set(REFUSED) == set(ANSWERS)


@pytest.fixture
def proposal(alice, bob, carol):
    story = released_production(alice, bob, carol)
    pool = pools.create_pool(story.production, by=alice, kind="profit_share", currency="EUR")
    pools.record_entry(
        pool,
        by=alice,
        kind="revenue",
        amount=1_000,
        currency="EUR",
        on=timezone.now().date(),
        description="Festival screening fees",
    )
    return proposals.make_proposal(pool, by=alice)


def put(proposal, status):
    Proposal.objects.filter(pk=proposal.pk).update(status=status)
    proposal.refresh_from_db()


@pytest.mark.parametrize(("start", "to"), REFUSED)
def test_a_move_the_table_leaves_out_is_refused(proposal, alice, start, to):
    put(proposal, start)
    with pytest.raises(Refused) as caught:
        proposal.move(to, by=alice)
    assert (caught.value.status, caught.value.code, caught.value.message) == (
        409,
        *ANSWERS[start, to],
    )
    proposal.refresh_from_db()
    assert proposal.status == start


@pytest.mark.parametrize(("start", "to"), ALLOWED)
def test_a_move_the_table_lists_is_made_with_its_dates(proposal, alice, start, to):
    put(proposal, start)
    proposal.move(to, by=alice, why="The festival pays on Friday.")
    proposal.refresh_from_db()
    assert proposal.status == to
    if to == States.PUBLISHED:
        assert proposal.window_open
    else:
        assert proposal.finalized_by == alice
        assert proposal.early_reason == "The festival pays on Friday."
