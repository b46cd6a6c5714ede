"""Every move of an entry, a call and an upload into a call that the tables leave out is
refused, with the sentence and code the services have always given, and changes nothing;
the moves they list are made (and an entry's logged)."""

from __future__ import annotations

import pytest

from ensemble.core.refusals import Refused
from ensemble.lineage.testing import bare_record
from ensemble.projects.models import Call, Decision, Entry, EntryUpload
from ensemble.projects.testing import make_call, make_project

pytestmark = pytest.mark.django_db


def pairs(model, states):
    refused = model.TRANSITIONS.refused_moves(states)
    return refused, [(a, b) for a in states for b in states if (a, b) not in refused]


ENTRY_REFUSED, ENTRY_ALLOWED = pairs(Entry, Entry.State.values)
CALL_REFUSED, CALL_ALLOWED = pairs(Call, Call.Status.values)
UPLOAD_REFUSED, UPLOAD_ALLOWED = pairs(EntryUpload, EntryUpload.State.values)


@pytest.mark.parametrize("model", [Entry, Call, EntryUpload])
def test_each_table_names_every_state(model):
    states = getattr(model, "State", None) or model.Status
    assert set(model.TRANSITIONS.moves) == set(states.values)


@pytest.fixture
def call(alice):
    return make_call(make_project(alice))


def entry_in(call, bob, state):
    record = bare_record(bob, kind="image")
    return Entry.objects.create(call=call, record=record, entrant=bob, state=state)


@pytest.mark.parametrize(("start", "to"), ENTRY_REFUSED)
def test_an_entry_move_the_table_leaves_out_is_refused(call, alice, bob, start, to):
    entry = entry_in(call, bob, start)
    with pytest.raises(Refused) as caught:
        Entry.move([entry], to, by=alice)
    assert (caught.value.status, caught.value.code) == (409, "withdrawn")
    assert caught.value.message == "A withdrawn entry cannot be reviewed."
    entry.refresh_from_db()
    assert entry.state == start
    assert not Decision.objects.exists()


def test_one_entry_that_cannot_move_keeps_all_of_them_where_they_are(call, alice, bob):
    moving = entry_in(call, bob, Entry.State.SUBMITTED)
    stuck = entry_in(call, bob, Entry.State.WITHDRAWN)
    with pytest.raises(Refused):
        Entry.move([moving, stuck], Entry.State.SELECTED, by=alice)
    moving.refresh_from_db()
    assert moving.state == Entry.State.SUBMITTED
    assert not Decision.objects.exists()


@pytest.mark.parametrize(("start", "to"), ENTRY_ALLOWED)
def test_an_entry_move_the_table_lists_is_made_and_logged(call, alice, bob, start, to):
    entry = entry_in(call, bob, start)
    moved = Entry.move([entry], to, by=alice, why="Because.")
    entry.refresh_from_db()
    assert entry.state == to
    logged = list(Decision.objects.values_list("by", "from_state", "to_state", "note"))
    if start == to:  # already there: nothing to log
        assert (moved, logged) == ([], [])
    else:
        assert logged == [(alice.pk, start, to, "Because.")]
        assert moved == [(entry, Decision.objects.get())]


@pytest.mark.parametrize(("start", "to"), CALL_REFUSED)
def test_a_call_move_the_table_leaves_out_is_refused(call, start, to):
    Call.objects.filter(pk=call.pk).update(status=start)
    call.refresh_from_db()
    with pytest.raises(Refused) as caught:
        call.move(to)
    assert (caught.value.status, caught.value.code) == (409, "invalid")
    assert caught.value.message == f"A {start} call cannot be made {to} again."
    call.refresh_from_db()
    assert call.status == start


@pytest.mark.parametrize(("start", "to"), CALL_ALLOWED)
def test_a_call_move_the_table_lists_is_made_and_ends_event_mode_unless_open(call, start, to):
    Call.objects.filter(pk=call.pk).update(status=start, event_mode=start == Call.Status.OPEN)
    call.refresh_from_db()
    call.move(to)
    call.refresh_from_db()
    assert call.status == to
    assert call.event_mode == (to == Call.Status.OPEN)


def upload_in(call, bob, state):
    """An upload in `state`: stored when a row can be in it (entered and given up end it)."""
    problem = "The call closed." if state == EntryUpload.State.NOT_ENTERED else ""
    row = EntryUpload(
        call=call, record=bare_record(bob, public=False), entrant=bob, state=state, problem=problem
    )
    if state not in EntryUpload.GONE:
        row.save()
    return row


@pytest.mark.parametrize(("start", "to"), UPLOAD_REFUSED)
def test_an_upload_move_the_table_leaves_out_is_refused(call, bob, start, to):
    row = upload_in(call, bob, start)
    with pytest.raises(Refused) as caught:
        row.move(to, why="The call closed.")
    code = "call_closed" if start == EntryUpload.State.NOT_ENTERED else "gone"
    assert (caught.value.status, caught.value.code) == (409, code)
    stored = EntryUpload.objects.filter(pk=row.pk).values_list("state", flat=True).first()
    assert stored == (None if start in EntryUpload.GONE else start)


@pytest.mark.parametrize(("start", "to"), UPLOAD_ALLOWED)
def test_an_upload_move_the_table_lists_keeps_the_row_only_when_not_entered(call, bob, start, to):
    row = upload_in(call, bob, start)
    row.move(to, why="The call closed.")
    stored = EntryUpload.objects.filter(record=row.record).values_list("state", "problem")
    if to in EntryUpload.GONE:
        assert not stored.exists()
    else:
        assert list(stored) == [(to, "The call closed.")]
