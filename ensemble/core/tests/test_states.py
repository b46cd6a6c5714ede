"""The transition table: what it allows, where a move may start, what it leaves out."""

from __future__ import annotations

import pytest

from ensemble.core.refusals import Refused
from ensemble.core.states import Transitions

TABLE = Transitions({"new": ["new", "done"], "done": []})


def test_a_listed_move_is_allowed_and_every_other_refused():
    assert TABLE.allows("new", "done")
    assert TABLE.allows("new", "new")
    assert TABLE.refused_moves(["new", "done"]) == [("done", "new"), ("done", "done")]


def test_the_states_a_move_may_start_from():
    assert TABLE.into("done") == ["new"]
    assert TABLE.into("new") == ["new"]


def test_a_refused_move_says_so_with_a_conflict_unless_the_model_says_otherwise():
    with pytest.raises(Refused) as caught:
        TABLE.check("done", "new")
    assert (caught.value.status, caught.value.code) == (409, "conflict")
    own = Transitions(TABLE.moves, refuse=lambda a, b: Refused(f"{a} stays {a}", code="mine"))
    with pytest.raises(Refused, match="done stays done"):
        own.check("done", "new")
