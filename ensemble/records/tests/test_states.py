"""Every move of a version's processing state the table leaves out does not happen; the
moves it lists do."""

from __future__ import annotations

import pytest

from ensemble.records.models import Version
from ensemble.records.testing import make_record

pytestmark = pytest.mark.django_db

REFUSED = Version.TRANSITIONS.refused_moves(Version.State.values)
ALLOWED = [
    (a, b) for a in Version.State.values for b in Version.State.values if (a, b) not in REFUSED
]


def test_the_table_names_every_state_and_ends_in_ready_or_failed():
    assert set(Version.TRANSITIONS.moves) == set(Version.State.values)
    finals = {state for state, ends in Version.TRANSITIONS.moves.items() if not ends}
    assert finals == {Version.State.READY, Version.State.FAILED}


def version_in(alice, state):
    version = make_record(alice, process=False).versions.get()
    reason = "It broke." if state == Version.State.FAILED else ""
    Version.objects.filter(pk=version.pk).update(state=state, failure_reason=reason)
    return version


@pytest.mark.parametrize(("start", "to"), REFUSED)
def test_a_move_the_table_leaves_out_does_not_happen(alice, start, to):
    version = version_in(alice, start)
    reason = {"failure_reason": "It broke."} if to == Version.State.FAILED else {}
    assert not Version.move(version.pk, to, **reason)
    version.refresh_from_db()
    assert version.state == start


@pytest.mark.parametrize(("start", "to"), ALLOWED)
def test_a_move_the_table_lists_happens_where_its_condition_holds(alice, start, to):
    version = version_in(alice, start)
    reason = {"failure_reason": "It broke."} if to == Version.State.FAILED else {}
    not_mine = Version.mine(version.attempts + 1)
    assert not Version.move(version.pk, to, only=not_mine, **reason)
    assert Version.move(version.pk, to, **reason)
    version.refresh_from_db()
    assert version.state == to
