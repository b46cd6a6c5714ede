"""A leader's note with a decision reaches the entrant, and nobody else: in the API, the
notification, its email and on the call page. The ladder: anonymous → outsider →
another entrant → the entrant → a leader."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail

from ensemble.accounts.testing import make_user
from ensemble.lineage.testing import bare_record
from ensemble.notifications.models import Notification
from ensemble.projects import services
from ensemble.projects.testing import make_call, make_project

pytestmark = pytest.mark.django_db

NOTE = "Lovely collar; make the turnip greener."


@pytest.fixture
def dave(db):
    """Another entrant."""
    return make_user("dave", display_name="Dave Dunn")


@pytest.fixture
def decided(alice, bob, dave):
    """Bob's entry shortlisted with a note; Dave's entry declined with another."""
    call = make_call(make_project(alice), blind_review=True)
    mine = services.submit_entry(call, by=bob, record=bare_record(bob, title="Bob's turnip"))
    other = services.submit_entry(call, by=dave, record=bare_record(dave, title="Dave's"))
    services.decide([mine], by=alice, state="shortlisted", note=NOTE)
    services.decide([other], by=alice, state="declined", note="Not this time, Dave.")
    return mine


LADDER = [
    # (who, sees Bob's note, sees Dave's note)
    ("anonymous", False, False),
    ("carol", False, False),
    ("dave", False, True),
    ("bob", True, False),
    ("alice", True, True),
]


def sign_in(client, request, who: str) -> None:
    client.logout()
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))


@pytest.mark.parametrize(("who", "sees_bobs", "sees_daves"), LADDER)
def test_the_api_gives_the_notes_to_the_entrant_and_the_leaders_only(
    client, request, decided, who, sees_bobs, sees_daves
):
    sign_in(client, request, who)
    response = client.get(f"/api/v1/calls/{decided.call_id}/entries")
    assert response.status_code == 200
    notes = {e["record_title"]: e["notes"] for e in response.json()["items"]}
    bobs = notes["Bob's turnip"]
    assert (bobs[0]["note"] if bobs else None) == (NOTE if sees_bobs else None)
    assert bool(notes["Dave's"]) == sees_daves
    if sees_bobs:
        assert bobs[0]["state"] == "shortlisted"
        assert bobs[0]["by"] == "alice"


@pytest.mark.parametrize(("who", "sees_bobs", "sees_daves"), LADDER)
def test_the_call_page_shows_the_notes_to_the_entrant_and_the_leaders_only(
    client, request, decided, who, sees_bobs, sees_daves
):
    sign_in(client, request, who)
    html = client.get(decided.call.get_absolute_url()).content.decode()
    assert ("Lovely collar; make the turnip greener." in html) == sees_bobs
    assert ("Not this time, Dave." in html) == sees_daves


def test_the_entrant_reads_the_note_under_their_own_entries(client, bob, decided):
    client.force_login(bob)
    html = client.get(decided.call.get_absolute_url()).content.decode()
    mine = html[html.index('id="mine-title"') : html.index('id="entries-title"')]
    assert f'id="entry-{decided.pk}"' in mine
    assert NOTE in mine
    assert "@alice</span> · Shortlisted · " in mine  # the decider, name and @username


def test_the_notification_and_its_email_carry_the_note_to_the_entrant_only(
    alice, bob, dave, decided, tasks
):
    tasks()
    told = bob.notifications.get(kind="entry_decided")
    assert told.text == (
        "Your entry “Bob's turnip” to “Design the main character” is now shortlisted. "
        f"The leaders' note: “{NOTE}”"
    )
    assert told.link == f"/calls/{decided.call_id}#entry-{decided.pk}"
    assert NOTE not in dave.notifications.get(kind="entry_decided").text
    assert Notification.objects.filter(kind="entry_decided").count() == 2  # bob and dave
    bobs_mail = [m for m in mail.outbox if m.to == [bob.email]]
    assert len(bobs_mail) == 1
    assert NOTE in bobs_mail[0].body
    assert all(NOTE not in m.body for m in mail.outbox if m.to != [bob.email])


def test_each_notification_keeps_its_own_decision_and_note(alice, bob, decided):
    services.decide([decided], by=alice, state="selected")
    texts = [n.text for n in bob.notifications.order_by("id")]
    assert texts == [
        "Your entry “Bob's turnip” to “Design the main character” is now shortlisted. "
        f"The leaders' note: “{NOTE}”",
        "Your entry “Bob's turnip” to “Design the main character” is now selected.",
    ]


def test_a_notification_made_before_decisions_were_named_still_reads(alice, bob, decided):
    old = Notification.objects.create(
        recipient=bob,
        kind="entry_decided",
        actor=alice,
        about_type=ContentType.objects.get_for_model(decided),
        about_id=decided.pk,
    )
    assert old.text.endswith("is now shortlisted.")
    assert old.link.endswith(f"#entry-{decided.pk}")
    decided.delete()
    assert Notification.objects.get(pk=old.pk).text.startswith("A decision was made")


def test_a_decision_through_the_api_answers_with_its_note(client, alice, bob):
    call = make_call(make_project(alice))
    entry = services.submit_entry(call, by=bob, record=bare_record(bob, title="Bob's"))
    client.force_login(alice)
    response = client.post(
        f"/api/v1/entries/{entry.pk}/decision",
        {"state": "selected", "note": "This one."},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert [(n["state"], n["note"]) for n in response.json()["notes"]] == [
        ("selected", "This one.")
    ]
