"""Co-creators from the record page's buttons: invite, accept, decline and remove, each a
POST that redirects with a message."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from ensemble.notifications.models import Notification
from ensemble.records.models import CoCreator
from ensemble.records.testing import make_record
from ensemble.records.tests.cocreator_support import (
    INVITED,
    credit_line,
    invited,
    page,
)


@pytest.fixture(autouse=True)
def cast(alice, bob, carol):
    """Everyone exists in every test: inviting "bob" must find him."""


# The web page's buttons


def flashed(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.mark.django_db
def test_invite_button_invites_and_redirects_to_the_record(as_alice, draft, bob):
    response = as_alice.post(page(draft, "/cocreators"), {"username": "@bob"})

    assert response.status_code == 302
    assert response["Location"] == page(draft)
    assert CoCreator.objects.get(record=draft).user == bob
    assert "Invited @bob as a co-creator." in flashed(response)
    assert Notification.objects.filter(recipient=bob, kind=INVITED).exists()


@pytest.mark.django_db
def test_invite_button_with_an_unknown_username_says_so(as_alice, draft):
    response = as_alice.post(page(draft, "/cocreators"), {"username": "nobody"}, follow=True)

    assert response.status_code == 200
    assert "There is no member called @nobody." in response.content.decode()
    assert not CoCreator.objects.exists()


@pytest.mark.django_db
def test_invite_button_refuses_inviting_yourself(as_alice, draft):
    response = as_alice.post(page(draft, "/cocreators"), {"username": "alice"})

    assert response.status_code == 302
    assert any("owner" in message for message in flashed(response))
    assert not CoCreator.objects.exists()


@pytest.mark.django_db
def test_invite_button_is_for_the_owner_only(as_bob, as_carol, alice, draft):
    record = make_record(alice, publish=True)

    assert as_carol.post(page(record, "/cocreators"), {"username": "bob"}).status_code == 403
    assert as_carol.post(page(draft, "/cocreators"), {"username": "bob"}).status_code == 404
    assert Client().post(page(draft, "/cocreators"), {"username": "bob"}).status_code == 302
    assert not CoCreator.objects.exists()


@pytest.mark.django_db
def test_accept_button_credits_the_invitee(as_alice, as_bob, draft):
    cocreator_id = invited(as_alice, draft)

    response = as_bob.post(page(draft, f"/cocreators/{cocreator_id}/accept"))

    assert response.status_code == 302
    assert response["Location"] == page(draft)
    assert CoCreator.objects.get().state == "accepted"
    assert "Bob Brass" in credit_line(as_bob.get(page(draft)))


@pytest.mark.django_db
def test_decline_button_sends_the_invitee_away_from_the_draft(as_alice, as_bob, draft):
    cocreator_id = invited(as_alice, draft)

    response = as_bob.post(page(draft, f"/cocreators/{cocreator_id}/decline"))

    assert response.status_code == 302
    assert response["Location"] == "/records/"
    assert CoCreator.objects.get().state == "declined"
    assert as_bob.get(page(draft)).status_code == 404


@pytest.mark.django_db
def test_remove_button_lets_the_owner_withdraw_an_invitation(as_alice, as_bob, draft):
    cocreator_id = invited(as_alice, draft)

    response = as_alice.post(page(draft, f"/cocreators/{cocreator_id}/remove"))

    assert response.status_code == 302
    assert response["Location"] == page(draft)
    assert not CoCreator.objects.exists()
    assert as_bob.get(page(draft)).status_code == 404


@pytest.mark.django_db
def test_accepting_twice_with_the_button_says_it_was_answered(as_alice, as_bob, draft):
    cocreator_id = invited(as_alice, draft)
    as_bob.post(page(draft, f"/cocreators/{cocreator_id}/accept"))

    response = as_bob.post(page(draft, f"/cocreators/{cocreator_id}/accept"))

    assert response.status_code == 302
    assert "This invitation was already answered." in flashed(response)


@pytest.mark.django_db
def test_someone_elses_invitation_button_is_404(as_alice, as_carol, draft):
    cocreator_id = invited(as_alice, draft)

    response = as_carol.post(page(draft, f"/cocreators/{cocreator_id}/accept"))

    assert response.status_code == 404
    assert CoCreator.objects.get().state == "invited"


@pytest.mark.django_db
@pytest.mark.parametrize("verb", ["approve", "delete", "ACCEPT"])
def test_unknown_verbs_are_404(as_alice, as_bob, draft, verb):
    cocreator_id = invited(as_alice, draft)

    response = as_bob.post(page(draft, f"/cocreators/{cocreator_id}/{verb}"))

    assert response.status_code == 404
    assert CoCreator.objects.get().state == "invited"


@pytest.mark.django_db
def test_answer_buttons_only_take_posts(as_alice, as_bob, draft):
    cocreator_id = invited(as_alice, draft)

    response = as_bob.get(page(draft, f"/cocreators/{cocreator_id}/accept"))

    assert response.status_code == 405
    assert CoCreator.objects.get().state == "invited"
