"""Declared states: every state a row can be in and every move between them, in one table.

Takahē's StateGraph idea without its runner. A model with a workflow declares a
`Transitions` table next to its state choices, and one method that makes a move: it
checks the move against the table, records who made it and why where that is kept (an
entry's decisions), and saves. Services decide *who* may ask for a move and when; the
table decides which moves exist at all. A move the table leaves out is refused with the
model's own sentence and code (`refuse`), and the tests generate every such move from the
table (`refused_moves`).

A move from a state to itself is a move like any other: listed when it is accepted (and
then changes nothing), left out when it is refused (publishing a published proposal).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from ensemble.core.refusals import Refused


def _cannot(current: str, to: str) -> Refused:
    return Refused(f"This cannot go from {current} to {to}.", status=409, code="conflict")


class Transitions:
    """`{from: (to, …)}`: the moves a state may make. A state with no moves is final."""

    def __init__(
        self,
        moves: Mapping[str, Iterable[str]],
        *,
        refuse: Callable[[str, str], Refused] | None = None,
    ) -> None:
        self.moves = {str(a): frozenset(str(b) for b in ends) for a, ends in moves.items()}
        self.refuse = refuse or _cannot

    def allows(self, current: str, to: str) -> bool:
        return to in self.moves.get(current, frozenset())

    def check(self, current: str, to: str) -> None:
        """Raise the model's refusal (a `Refused`) for a move the table leaves out."""
        if not self.allows(current, to):
            raise self.refuse(current, to)

    def into(self, to: str) -> list[str]:
        """The states a move to `to` may start from: for a move made as a conditional
        UPDATE (`WHERE state IN …`), where reading and then saving could race."""
        return sorted(start for start, ends in self.moves.items() if to in ends)

    def refused_moves(self, states: Iterable[str]) -> list[tuple[str, str]]:
        """Every (from, to) among `states` the table leaves out: what the tests refuse."""
        every = [str(state) for state in states]
        return [(a, b) for a in every for b in every if not self.allows(a, b)]
