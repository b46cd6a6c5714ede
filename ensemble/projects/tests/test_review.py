"""The review grid's answers: in place for htmx (the changed entries, a sentence, the
tally), a redirect back to the same filter and page without JavaScript; refusals in
place with their 4xx; a fixed, small number of queries."""

from __future__ import annotations

import pytest

from ensemble.accounts.testing import make_user
from ensemble.lineage.testing import bare_record
from ensemble.projects import services
from ensemble.projects.models import Call, Entry, Score
from ensemble.projects.testing import make_call, make_project

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def _entries(call: Call, *names: str) -> list[Entry]:
    made = []
    for name in names:
        person = make_user(name)
        drawing = bare_record(person, kind="image", title=f"{name.title()}'s turnip")
        made.append(services.submit_entry(call, by=person, record=drawing))
    return made


@pytest.fixture
def call(alice) -> Call:
    return make_call(make_project(alice), accepted_kinds=["image"])


def test_a_score_sent_by_htmx_answers_that_entry_alone(
    alice, call, client, django_assert_max_num_queries
):
    ann, ben = _entries(call, "ann", "ben")
    client.force_login(alice)
    with django_assert_max_num_queries(12):  # session, user, entry, the score, the card
        response = client.post(
            f"/entries/{ann.pk}/score?state=submitted", {"value": "4"}, headers=HTMX
        )
    html = response.content.decode()
    assert response.status_code == 200
    assert response["Ensemble-Review"] == "1"
    assert f'id="entry-{ann.pk}" data-entry' in html
    assert 'hx-swap-oob="true"' in html
    assert f'id="entry-{ben.pk}"' not in html  # only what changed
    assert "1 score (mean 4.0)" in html
    assert "“Ann&#x27;s turnip”: your score is 4 of 5." in html
    assert 'hx-preserve="true"' in html  # a score keeps the reviewer's choice
    assert f'action="/entries/{ann.pk}/score?state=submitted"' in html  # still this grid
    assert "review-tally" not in html  # a score changes no state
    assert Score.objects.get().value == 4


def test_a_decision_sent_by_htmx_answers_its_entries_the_tally_and_a_sentence(
    alice, call, client, django_assert_max_num_queries
):
    ann, ben, cat = _entries(call, "ann", "ben", "cat")
    client.force_login(alice)
    response = client.post(
        f"/calls/{call.pk}/decide",
        {"entry": [ann.pk, ben.pk], "state": "shortlisted"},
        headers=HTMX,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('hx-swap-oob="true"') == 3  # two entries and the tally
    assert f'id="entry-{cat.pk}"' not in html
    assert "Shortlisted (2)" in html
    assert "Submitted (1)" in html
    assert "2 entries updated. They are shortlisted." in html
    assert "hx-preserve" not in html  # the decision is made: the boxes are cleared
    assert set(Entry.objects.values_list("state", flat=True)) == {"shortlisted", "submitted"}

    # The answer costs the same however many entries it shows (deciding them does not:
    # each entrant is told).
    with django_assert_max_num_queries(20):
        client.post(
            f"/calls/{call.pk}/decide", {"entry": [cat.pk], "state": "declined"}, headers=HTMX
        )


def test_refusals_come_back_in_place_with_their_status_and_change_nothing(alice, call, client):
    ann, ben = _entries(call, "ann", "ben")
    services.withdraw_entry(ann, by=ann.entrant)
    client.force_login(alice)

    response = client.post(
        f"/calls/{call.pk}/decide", {"entry": [ann.pk], "state": "selected"}, headers=HTMX
    )
    html = response.content.decode()
    assert (response.status_code, response["Ensemble-Review"]) == (409, "1")
    assert f'<p class="review-error" id="entry-{ann.pk}-error">A withdrawn entry' in html
    assert "Withdrawn (1)" in html  # the tally, as it is now
    assert 'hx-preserve="true"' in html  # refused: the choice stays, to change it

    response = client.post(f"/entries/{ben.pk}/score", {"value": "9"}, headers=HTMX)
    assert response.status_code == 422
    assert "A score is a whole number from 1 to 5." in response.content.decode()

    response = client.post(f"/calls/{call.pk}/decide", {"state": "selected"}, headers=HTMX)
    assert response.status_code == 400
    assert "Choose at least one entry." in response.content.decode()

    services.set_call_status(call, by=alice, status="closed")
    response = client.post(
        f"/calls/{call.pk}/decide", {"entry": [ben.pk], "state": "selected"}, headers=HTMX
    )
    assert response.status_code == 409
    assert "The call is closed: its decisions are final." in response.content.decode()

    assert dict(Entry.objects.values_list("pk", "state")) == {
        ann.pk: "withdrawn",
        ben.pk: "submitted",
    }
    assert not Score.objects.exists()


def test_outsiders_get_a_404_and_not_a_word_about_the_entries(alice, carol, client):
    call = make_call(make_project(alice), blind_review=True)
    (ann,) = _entries(call, "ann")
    client.force_login(carol)
    for url, data in (
        (f"/entries/{ann.pk}/score", {"value": "5"}),
        (f"/calls/{call.pk}/decide", {"entry": [ann.pk], "state": "selected"}),
        (f"/calls/{call.pk}/decide", {"entry": [ann.pk], "state": "bogus"}),
    ):
        response = client.post(url, data, headers=HTMX)
        assert response.status_code == 404
        assert "turnip" not in response.content.decode()
    assert (Entry.objects.get().state, Score.objects.count()) == ("submitted", 0)


def test_without_javascript_a_change_comes_back_to_the_same_filter_and_page(alice, call, client):
    ann, ben = _entries(call, "ann", "ben")
    client.force_login(alice)
    response = client.post(f"/entries/{ann.pk}/score?state=submitted&page=2&junk=1", {"value": "3"})
    assert response.status_code == 302
    assert response["Location"] == f"/calls/{call.pk}/review?state=submitted&page=2#entry-{ann.pk}"
    response = client.post(
        f"/calls/{call.pk}/decide?state=nonsense", {"entry": [ann.pk, ben.pk], "state": "declined"}
    )
    assert response["Location"] == f"/calls/{call.pk}/review"
    page = client.get(response["Location"]).content.decode()
    assert "2 entries updated." in page
    assert f'action="/calls/{call.pk}/decide"' in page
    page = client.get(f"/calls/{call.pk}/review?state=declined&page=1").content.decode()
    assert f'action="/calls/{call.pk}/decide?state=declined"' in page
