"""The reports API under /api/v1: filing reports (and every refusal, which files
nothing), following them and writing on them. The cast: alice owns things, bob reports
them, carol and dave are outsiders, mod moderates."""

from __future__ import annotations

import pytest

from ensemble.accounts.tests.api_helpers import assert_error, field_names, post_json
from ensemble.community.services import comments
from ensemble.moderation import services
from ensemble.moderation.models import Report, ReportMessage
from ensemble.moderation.tests.api_helpers import (
    REPORTS,
    assert_nothing_filed,
    decide,
    file,
    signed_in,
)
from ensemble.projects.testing import make_call, make_project
from ensemble.records.testing import make_record

pytestmark = pytest.mark.django_db

# Filing: what a member may report


def test_a_member_reports_someone_elses_public_record(as_bob, bob, alice, poem):
    response = file(as_bob, "record", poem.pk, reason="harassment", text="It mocks me by name.")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["id"] == Report.objects.get().pk
    assert (body["kind"], body["target_id"], body["target_label"]) == (
        "record",
        poem.pk,
        "Turnip ode",
    )
    assert (body["reason"], body["text"]) == ("harassment", "It mocks me by name.")
    assert (body["state"], body["outcome"], body["decided_at"]) == ("open", "", None)
    assert (body["original_record"], body["original_url"]) == (None, "")
    assert body["created_at"]
    # Names are for moderators: the reporter's own answer carries neither.
    assert (body["reporter"], body["target_owner"]) == (None, None)
    made = Report.objects.get()
    assert (made.reporter, made.target_owner) == (bob, alice)


def test_a_comment_is_reported_with_its_words_as_label(as_bob, alice, carol, poem):
    comment = comments.add(carol, poem, "Buy cheap watches at example.com")

    response = file(as_bob, "comment", comment.pk)

    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "comment"
    assert "Buy cheap watches" in response.json()["target_label"]
    assert Report.objects.get().target_owner == carol


def test_a_member_is_reported(as_bob, alice):
    response = file(as_bob, "member", alice.pk, reason="harassment", text="Threatening me.")

    assert response.status_code == 201, response.content
    assert response.json()["target_label"] == "Alice Archer (@alice)"
    assert Report.objects.get().target_owner == alice


def test_a_project_is_reported(as_bob, alice):
    project = make_project(alice)

    response = file(as_bob, "project", project.pk, reason="rules")

    assert response.status_code == 201, response.content
    assert response.json()["target_label"] == project.title
    assert Report.objects.get().target_owner == alice


def test_a_call_is_reported_as_its_projects_owners(as_bob, alice):
    call = make_call(make_project(alice))

    response = file(as_bob, "call", call.pk, reason="rules")

    assert response.status_code == 201, response.content
    assert response.json()["target_label"] == call.title
    assert Report.objects.get().target_owner == alice


def test_a_rights_report_names_the_original_on_this_site(as_bob, bob, poem):
    original = make_record(bob, text="Round and proud.\n", title="My ode", publish=True)

    response = file(
        as_bob, "record", poem.pk, reason="rights", text="Copied.", original_record=original.pk
    )

    assert response.status_code == 201, response.content
    assert response.json()["original_record"] == original.pk


def test_a_rights_report_names_the_original_elsewhere(as_bob, poem):
    link = "https://example.com/my-ode"

    response = file(as_bob, "record", poem.pk, reason="rights", text="Copied.", original_url=link)

    assert response.status_code == 201, response.content
    assert response.json()["original_url"] == link


def test_a_text_of_exactly_2000_characters_is_taken(as_bob, poem):
    response = file(as_bob, "record", poem.pk, text="x" * 2000)

    assert response.status_code == 201, response.content


def test_a_decided_thing_may_be_reported_again(as_bob, as_mod, filed, poem):
    decide(as_mod, filed.pk)

    response = file(as_bob, "record", poem.pk)

    assert response.status_code == 201, response.content
    assert Report.objects.count() == 2


# Filing: refusals, each of which files nothing


def test_anonymous_visitors_cannot_report(client, poem):
    assert_nothing_filed(file(client, "record", poem.pk), 401, "not_authenticated")


def test_an_unknown_kind_is_refused_by_validation(as_bob, poem):
    body = assert_nothing_filed(file(as_bob, "recording", poem.pk), 422, "invalid")
    assert field_names(body) == {"kind"}


def test_someone_elses_draft_cannot_be_reported(as_bob, alice):
    draft = make_record(alice, text="Not yet.\n", title="Draft")

    assert_nothing_filed(file(as_bob, "record", draft.pk), 404, "not_found")


def test_a_record_that_does_not_exist_cannot_be_reported(as_bob, poem):
    assert_nothing_filed(file(as_bob, "record", poem.pk + 1000), 404, "not_found")


def test_your_own_record_cannot_be_reported(alice, poem):
    assert_nothing_filed(file(signed_in(alice), "record", poem.pk), 422, "own")


def test_you_cannot_report_yourself(as_bob, bob):
    assert_nothing_filed(file(as_bob, "member", bob.pk), 422, "own")


def test_a_second_open_report_on_the_same_thing_is_refused(as_bob, filed, poem):
    assert_nothing_filed(file(as_bob, "record", poem.pk), 409, "duplicate", reports=1)


def test_another_member_may_report_what_is_already_reported(filed, carol, poem):
    response = file(signed_in(carol), "record", poem.pk)

    assert response.status_code == 201, response.content


def test_a_reason_not_in_the_list_is_refused(as_bob, poem):
    body = assert_nothing_filed(file(as_bob, "record", poem.pk, reason="boring"), 422, "invalid")
    assert field_names(body) == {"reason"}


@pytest.mark.parametrize("text", ["", "   \n  "])
def test_an_empty_text_is_refused(as_bob, poem, text):
    body = assert_nothing_filed(file(as_bob, "record", poem.pk, text=text), 422, "invalid")
    assert field_names(body) == {"text"}


def test_a_text_over_2000_characters_is_refused(as_bob, poem):
    response = file(as_bob, "record", poem.pk, text="x" * 2001)

    body = assert_nothing_filed(response, 422, "invalid")
    assert field_names(body) == {"text"}


def test_a_rights_report_without_an_original_is_refused(as_bob, poem):
    response = file(as_bob, "record", poem.pk, reason="rights", text="Mine.")

    body = assert_nothing_filed(response, 422, "invalid")
    assert field_names(body) == {"original"}


def test_a_rights_report_cannot_name_the_reported_record_as_original(as_bob, poem):
    response = file(
        as_bob, "record", poem.pk, reason="rights", text="Mine.", original_record=poem.pk
    )

    body = assert_nothing_filed(response, 422, "invalid")
    assert field_names(body) == {"original"}


def test_a_rights_report_cannot_name_a_draft_it_cannot_see(as_bob, alice, poem):
    hidden = make_record(alice, text="Not yet.\n", title="Draft")

    response = file(
        as_bob, "record", poem.pk, reason="rights", text="Mine.", original_record=hidden.pk
    )

    assert_nothing_filed(response, 422, "invalid")


@pytest.mark.parametrize(
    "link", ["javascript:alert(1)", "ftp://example.com/ode", "http://", "example.com/ode"]
)
def test_a_rights_report_links_the_original_over_http(as_bob, poem, link):
    response = file(as_bob, "record", poem.pk, reason="rights", text="Mine.", original_url=link)

    body = assert_nothing_filed(response, 422, "invalid")
    assert field_names(body) == {"original_url"}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("target_id", "5"),
        ("target_id", 5.0),
        ("target_id", True),
        ("target_id", None),
        ("target_id", 0),
        ("target_id", 2**63),
        ("kind", 1),
        ("reason", ["spam"]),
        ("text", 5),
        ("original_record", "7"),
        ("original_url", None),
    ],
)
def test_json_values_of_the_wrong_type_are_refused(as_bob, poem, field, value):
    body = {"kind": "record", "target_id": poem.pk, "reason": "spam", "text": "An advert."}
    body[field] = value

    response = post_json(as_bob, REPORTS, body)

    assert field_names(assert_nothing_filed(response, 422, "invalid")) == {field}


def test_a_body_that_is_not_json_is_refused(as_bob, poem):
    assert_nothing_filed(post_json(as_bob, REPORTS, "{kind: record"), 400, "malformed_json")


def test_the_third_report_in_the_window_is_rate_limited(settings, as_bob, alice, carol, poem):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "report": (2, 3600)}
    assert file(as_bob, "record", poem.pk).status_code == 201
    assert file(as_bob, "member", alice.pk).status_code == 201

    response = file(as_bob, "member", carol.pk)

    assert_nothing_filed(response, 429, "rate_limited", reports=2)
    assert int(response["Retry-After"]) > 0
    # Counted per member: someone else still may.
    assert file(signed_in(carol), "member", alice.pk).status_code == 201


# Following your reports


def test_your_reports_are_listed_newest_first_and_nobody_elses(as_bob, bob, alice, carol, poem):
    first = file(as_bob, "record", poem.pk).json()
    second = file(as_bob, "member", alice.pk).json()
    services.file_report(carol, "record", poem.pk, reason="spam", text="Carol's.")

    response = as_bob.get(REPORTS)

    assert response.status_code == 200, response.content
    body = response.json()
    assert [r["id"] for r in body["items"]] == [second["id"], first["id"]]
    assert body["next_cursor"] is None
    assert all(r["reporter"] is None and r["target_owner"] is None for r in body["items"])


def test_your_reports_come_a_page_at_a_time(as_bob, alice, carol, poem):
    first = file(as_bob, "record", poem.pk).json()["id"]
    second = file(as_bob, "member", alice.pk).json()["id"]
    third = file(as_bob, "member", carol.pk).json()["id"]

    page = as_bob.get(REPORTS, {"limit": 2}).json()
    rest = as_bob.get(REPORTS, {"limit": 2, "cursor": page["next_cursor"]}).json()

    assert [r["id"] for r in page["items"]] == [third, second]
    assert ([r["id"] for r in rest["items"]], rest["next_cursor"]) == ([first], None)


def test_a_moderators_own_list_holds_only_the_reports_they_filed(as_mod, mod, filed, alice):
    own = services.file_report(mod, "member", alice.pk, reason="spam", text="Mine.")

    assert [r["id"] for r in as_mod.get(REPORTS).json()["items"]] == [own.pk]


def test_your_reports_are_not_listed_for_anonymous_visitors(client, filed):
    assert_error(client.get(REPORTS), 401, "not_authenticated")


def test_the_reporter_reads_their_report_without_the_names(as_bob, filed):
    response = as_bob.get(f"{REPORTS}/{filed.pk}")

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["id"], body["state"], body["text"]) == (filed.pk, "open", "An advert.")
    assert (body["reporter"], body["target_owner"]) == (None, None)


@pytest.mark.parametrize("who", ["alice", "carol"])
def test_no_other_member_reads_a_report(request, filed, who):
    # Not even the owner of what was reported: who reported it is not theirs to know.
    outsider = request.getfixturevalue(who)

    assert_error(signed_in(outsider).get(f"{REPORTS}/{filed.pk}"), 404, "not_found")


def test_a_moderator_reads_a_report_with_the_reporter_and_the_owner(as_mod, filed):
    response = as_mod.get(f"{REPORTS}/{filed.pk}")

    assert response.status_code == 200, response.content
    assert (response.json()["reporter"], response.json()["target_owner"]) == ("bob", "alice")


# Messages on a report


def test_the_reporter_and_a_moderator_write_on_a_report(as_bob, as_mod, filed):
    mine = post_json(as_bob, f"{REPORTS}/{filed.pk}/messages", {"body": "It is back again."})
    theirs = post_json(as_mod, f"{REPORTS}/{filed.pk}/messages", {"body": "Looking at it."})

    assert mine.status_code == 201, mine.content
    assert theirs.status_code == 201, theirs.content
    assert (mine.json()["from_moderator"], theirs.json()["from_moderator"]) == (False, True)
    listed = as_bob.get(f"{REPORTS}/{filed.pk}/messages").json()
    assert [m["body"] for m in listed] == ["It is back again.", "Looking at it."]


def test_an_outsider_neither_reads_nor_writes_on_a_report(carol, filed):
    as_carol = signed_in(carol)

    written = post_json(as_carol, f"{REPORTS}/{filed.pk}/messages", {"body": "Me too."})

    assert_error(written, 404, "not_found")
    assert_error(as_carol.get(f"{REPORTS}/{filed.pk}/messages"), 404, "not_found")
    assert not ReportMessage.objects.exists()


def test_an_empty_message_is_refused(as_bob, filed):
    response = post_json(as_bob, f"{REPORTS}/{filed.pk}/messages", {"body": "  "})

    assert field_names(assert_error(response, 422, "invalid")) == {"body"}
    assert not ReportMessage.objects.exists()


def test_the_reporter_does_not_see_which_moderator_wrote(as_bob, as_mod, filed):
    post_json(as_bob, f"{REPORTS}/{filed.pk}/messages", {"body": "It is back again."})
    post_json(as_mod, f"{REPORTS}/{filed.pk}/messages", {"body": "Looking at it."})

    seen_by_reporter = as_bob.get(f"{REPORTS}/{filed.pk}/messages").json()
    seen_by_moderator = as_mod.get(f"{REPORTS}/{filed.pk}/messages").json()

    assert [(m["author"], m["from_moderator"]) for m in seen_by_reporter] == [
        ("bob", False),
        (None, True),
    ]
    assert [m["author"] for m in seen_by_moderator] == ["bob", "mod"]


def test_the_reporter_is_told_of_a_moderators_message_without_their_name(as_bob, as_mod, filed):
    post_json(as_mod, f"{REPORTS}/{filed.pk}/messages", {"body": "Looking at it."})

    told = as_bob.get("/api/v1/notifications").json()["items"]

    assert [n["kind"] for n in told] == ["report_message"]
    assert told[0]["actor"] is None
