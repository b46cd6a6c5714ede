"""Co-creators: the owner invites, the invitee answers, credit and draft access follow.

The API is driven with session clients (as the browser does) so that what is checked is
who sees what, not how they signed in; one test checks the same with a bearer token.
"""

from __future__ import annotations

import pytest
from django.test import Client

from ensemble.accounts.services import create_access_token
from ensemble.accounts.tests.api_helpers import assert_error, bearer
from ensemble.notifications.models import Notification
from ensemble.records.models import CoCreator
from ensemble.records.testing import make_record
from ensemble.records.tests.cocreator_support import (
    ACCEPTED,
    DECLINED,
    INVITED,
    answer,
    api,
    credit_line,
    invite,
    invited,
    media_statuses,
    media_urls,
    page,
    sees_draft,
)


@pytest.fixture(autouse=True)
def cast(alice, bob, carol):
    """Everyone exists in every test: inviting "bob" must find him."""


# Inviting (API)


@pytest.mark.django_db
def test_owner_invites_a_member_who_is_notified(as_alice, draft, alice, bob):
    response = invite(as_alice, draft, "bob")

    assert response.status_code == 201, response.content
    assert response.json()["username"] == "bob"
    assert response.json()["state"] == "invited"
    cocreator = CoCreator.objects.get(record=draft)
    assert (cocreator.user, cocreator.state) == (bob, "invited")
    notification = Notification.objects.get(recipient=bob)
    assert notification.kind == INVITED
    assert notification.actor == alice
    assert notification.about == cocreator


@pytest.mark.django_db
def test_invitation_accepts_an_at_sign_and_any_case(as_alice, draft, bob):
    response = invite(as_alice, draft, "@BOB")

    assert response.status_code == 201, response.content
    assert CoCreator.objects.get(record=draft).user == bob


@pytest.mark.django_db
def test_only_the_owner_can_invite(as_carol, alice, bob):
    record = make_record(alice, publish=True)

    assert_error(invite(as_carol, record, "bob"), 403, "forbidden")
    assert not CoCreator.objects.exists()
    assert not Notification.objects.filter(kind=INVITED).exists()


@pytest.mark.django_db
def test_an_invitee_cannot_invite_others(as_alice, as_bob, draft, carol):
    invited(as_alice, draft)

    assert_error(invite(as_bob, draft, "carol"), 403, "forbidden")
    assert not CoCreator.objects.filter(user=carol).exists()


@pytest.mark.django_db
def test_outsider_inviting_to_a_draft_gets_404(as_carol, draft, bob):
    assert_error(invite(as_carol, draft, "bob"), 404, "not_found")
    assert not CoCreator.objects.exists()


@pytest.mark.django_db
def test_owner_cannot_invite_themselves(as_alice, draft):
    body = assert_error(invite(as_alice, draft, "alice"), 422, "invalid")

    assert "owner" in body["detail"]
    assert not CoCreator.objects.exists()


@pytest.mark.django_db
def test_inviting_an_unknown_member_is_404(as_alice, draft):
    body = assert_error(invite(as_alice, draft, "nobody"), 404, "no_such_member")

    assert "@nobody" in body["detail"]
    assert not CoCreator.objects.exists()


# Who sees the draft


@pytest.mark.django_db
def test_invitee_sees_the_draft_and_its_media_while_an_outsider_does_not(
    as_alice, as_bob, as_carol, draft
):
    urls = media_urls(as_alice, draft)
    assert not sees_draft(as_bob, draft)

    invited(as_alice, draft)

    assert sees_draft(as_bob, draft)
    assert media_statuses(as_bob, urls) == {200}
    assert not sees_draft(as_carol, draft)
    assert media_statuses(as_carol, urls) == {404}
    assert not sees_draft(Client(), draft)
    assert media_statuses(Client(), urls) == {404}


@pytest.mark.django_db
def test_invitee_sees_the_draft_through_the_api_with_a_token(client, as_alice, draft, bob):
    invited(as_alice, draft)
    token = bearer(create_access_token(bob, "tests").secret)

    response = client.get(api(draft), headers=token)

    assert response.status_code == 200, response.content
    assert client.get(api(draft, "/versions"), headers=token).status_code == 200


@pytest.mark.django_db
def test_invitee_page_offers_accept_and_decline(as_alice, as_bob, draft):
    cocreator_id = invited(as_alice, draft)

    html = as_bob.get(page(draft)).content.decode()

    assert f"/records/{draft.pk}/cocreators/{cocreator_id}/accept" in html
    assert f"/records/{draft.pk}/cocreators/{cocreator_id}/decline" in html


# Answering (API)


@pytest.mark.django_db
def test_accepted_cocreator_is_credited_on_the_page_and_in_the_api(as_alice, as_bob, draft, alice):
    cocreator_id = invited(as_alice, draft)
    assert "Bob Brass" not in credit_line(as_alice.get(page(draft)))

    response = answer(as_bob, draft, cocreator_id, "accept")

    assert response.status_code == 200, response.content
    assert response.json()["state"] == "accepted"
    assert "Bob Brass" in credit_line(as_alice.get(page(draft)))
    assert "Bob Brass" in credit_line(as_bob.get(page(draft)))
    assert as_bob.get(api(draft)).json()["cocreators"] == [
        {"id": cocreator_id, "username": "bob", "state": "accepted"}
    ]
    assert Notification.objects.filter(recipient=alice, kind=ACCEPTED).exists()


@pytest.mark.django_db
def test_credit_shows_to_everyone_once_published(as_alice, as_bob, draft):
    answer(as_bob, draft, invited(as_alice, draft), "accept")
    as_alice.post(api(draft, "/publish"))

    anonymous = Client()

    assert "Bob Brass" in credit_line(anonymous.get(page(draft)))
    assert [c["username"] for c in anonymous.get(api(draft)).json()["cocreators"]] == ["bob"]


@pytest.mark.django_db
def test_pending_invitations_are_shown_only_to_the_owner(as_alice, as_carol, alice):
    record = make_record(alice, publish=True)
    invited(as_alice, record)

    assert [c["state"] for c in as_alice.get(api(record)).json()["cocreators"]] == ["invited"]
    assert as_carol.get(api(record)).json()["cocreators"] == []
    assert "Bob Brass" not in credit_line(as_carol.get(page(record)))


@pytest.mark.django_db
def test_declined_invitee_is_not_credited_and_loses_the_draft(as_alice, as_bob, draft, alice):
    urls = media_urls(as_alice, draft)
    cocreator_id = invited(as_alice, draft)

    response = answer(as_bob, draft, cocreator_id, "decline")

    assert response.status_code == 200, response.content
    assert response.json()["state"] == "declined"
    assert not sees_draft(as_bob, draft)
    assert media_statuses(as_bob, urls) == {404}
    assert "Bob Brass" not in credit_line(as_alice.get(page(draft)))
    assert [c["state"] for c in as_alice.get(api(draft)).json()["cocreators"]] == ["declined"]
    assert Notification.objects.filter(recipient=alice, kind=DECLINED).exists()


@pytest.mark.django_db
def test_owner_removes_a_cocreator_who_then_loses_credit_and_access(as_alice, as_bob, draft):
    cocreator_id = invited(as_alice, draft)
    answer(as_bob, draft, cocreator_id, "accept")

    response = as_alice.delete(api(draft, f"/cocreators/{cocreator_id}"))

    assert response.status_code == 204
    assert not CoCreator.objects.exists()
    assert not sees_draft(as_bob, draft)
    assert "Bob Brass" not in credit_line(as_alice.get(page(draft)))


@pytest.mark.django_db
def test_a_decline_is_final_so_nobody_is_asked_again_and_again(as_alice, as_bob, draft, bob):
    first = invited(as_alice, draft)
    answer(as_bob, draft, first, "decline")

    again = invite(as_alice, draft, "bob")

    assert_error(again, 409, "conflict")
    assert "declined" in again.json()["detail"]
    assert not sees_draft(as_bob, draft)
    assert Notification.objects.filter(recipient=bob, kind=INVITED).count() == 1


@pytest.mark.django_db
def test_inviting_an_accepted_cocreator_again_is_409(as_alice, as_bob, draft):
    answer(as_bob, draft, invited(as_alice, draft), "accept")

    assert_error(invite(as_alice, draft, "bob"), 409, "conflict")
    assert CoCreator.objects.get().state == "accepted"


@pytest.mark.django_db
def test_accepting_twice_is_409(as_alice, as_bob, draft):
    cocreator_id = invited(as_alice, draft)
    answer(as_bob, draft, cocreator_id, "accept")

    assert_error(answer(as_bob, draft, cocreator_id, "accept"), 409, "conflict")
    assert_error(answer(as_bob, draft, cocreator_id, "decline"), 409, "conflict")
    assert CoCreator.objects.get().state == "accepted"


@pytest.mark.django_db
def test_someone_else_cannot_accept_an_invitation(as_alice, as_carol, draft, alice):
    record = make_record(alice, publish=True)
    cocreator_id = invited(as_alice, record)

    assert_error(answer(as_carol, record, cocreator_id, "accept"), 404, "not_found")
    assert_error(as_carol.delete(api(record, f"/cocreators/{cocreator_id}")), 404, "not_found")
    assert CoCreator.objects.get().state == "invited"


@pytest.mark.django_db
def test_the_owner_cannot_accept_on_the_invitees_behalf(as_alice, draft):
    cocreator_id = invited(as_alice, draft)

    assert_error(answer(as_alice, draft, cocreator_id, "accept"), 403, "forbidden")
    assert CoCreator.objects.get().state == "invited"


@pytest.mark.django_db
def test_an_invitation_is_only_reached_through_its_own_record(as_alice, as_bob, alice, draft):
    other = make_record(alice, title="Other")
    cocreator_id = invited(as_alice, draft)

    assert_error(answer(as_bob, other, cocreator_id, "accept"), 404, "not_found")
    assert CoCreator.objects.get().state == "invited"


@pytest.mark.django_db
def test_anonymous_cannot_invite_or_answer(as_alice, draft):
    cocreator_id = invited(as_alice, draft)
    anonymous = Client()

    assert_error(invite(anonymous, draft, "carol"), 401, "not_authenticated")
    assert_error(answer(anonymous, draft, cocreator_id, "accept"), 401, "not_authenticated")
    assert CoCreator.objects.get().state == "invited"
