"""The moderators' API under /api/v1: the queue, decisions and the log. The cast: alice
owns things, bob reports them, carol and dave are outsiders, mod moderates."""

from __future__ import annotations

import pytest
from django.test import Client

from ensemble.accounts.tests.api_helpers import assert_error, field_names, post_json
from ensemble.community.models import Comment
from ensemble.community.services import comments
from ensemble.moderation import services
from ensemble.moderation.models import AuditEntry, Report
from ensemble.moderation.tests.api_helpers import (
    LOG,
    QUEUE,
    REPORTS,
    assert_nothing_filed,
    decide,
    file,
    signed_in,
)
from ensemble.projects.testing import make_call, make_project
from ensemble.records.models import Record
from ensemble.records.takedown import REMOVED_TITLE
from ensemble.records.testing import make_record

pytestmark = pytest.mark.django_db

# The moderators' queue


@pytest.mark.parametrize("who", ["alice", "bob", "carol"])
def test_the_queue_is_not_there_for_members(request, filed, who):
    member = signed_in(request.getfixturevalue(who))

    assert_error(member.get(QUEUE), 404, "not_found")


def test_the_queue_asks_anonymous_visitors_to_sign_in(client, filed):
    assert_error(client.get(QUEUE), 401, "not_authenticated")


def test_the_queue_lists_open_reports_for_a_moderator(as_mod, filed, carol, alice, poem):
    decided = services.file_report(carol, "record", poem.pk, reason="spam", text="Carol's.")
    decide(as_mod, decided.pk)
    later = services.file_report(carol, "member", alice.pk, reason="harassment", text="Rude.")

    response = as_mod.get(QUEUE)

    assert response.status_code == 200, response.content
    items = response.json()["items"]
    assert [r["id"] for r in items] == [later.pk, filed.pk]
    assert (items[1]["reporter"], items[1]["target_owner"]) == ("bob", "alice")


@pytest.fixture
def mixed(mod, bob, carol, alice, poem):
    """Three reports of different reasons and kinds, the spam one dismissed."""
    spam = services.file_report(bob, "record", poem.pk, reason="spam", text="An advert.")
    rude = services.file_report(bob, "member", alice.pk, reason="harassment", text="Rude.")
    copied = services.file_report(
        carol, "record", poem.pk, reason="rights", text="Mine.", original_url="https://x.org/a"
    )
    services.decide(spam, by=mod, action="dismiss", note="An announcement, not an advert.")
    return {"spam": spam.pk, "rude": rude.pk, "copied": copied.pk}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["copied", "rude"]),
        ("?state=dismissed", ["spam"]),
        ("?state=all", ["copied", "rude", "spam"]),
        ("?reason=harassment", ["rude"]),
        ("?kind=record", ["copied"]),
        ("?state=all&kind=record", ["copied", "spam"]),
        ("?state=all&reason=rights&kind=record", ["copied"]),
    ],
)
def test_the_queue_filters_by_state_reason_and_kind(as_mod, mixed, query, expected):
    response = as_mod.get(QUEUE + query)

    assert response.status_code == 200, response.content
    ids = [r["id"] for r in response.json()["items"]]
    assert ids == sorted((mixed[name] for name in expected), reverse=True)


# Decisions


def test_a_member_cannot_decide_and_nothing_changes(as_bob, filed, alice):
    for client in (as_bob, signed_in(alice)):
        assert_error(decide(client, filed.pk, "remove"), 404, "not_found")

    filed.refresh_from_db()
    assert filed.state == "open"
    assert not AuditEntry.objects.exists()
    assert Record.objects.get(pk=filed.target_id).deleted_at is None


def test_dismissing_closes_the_report_with_an_audit_entry(as_mod, mod, filed, poem):
    response = decide(as_mod, filed.pk, "dismiss", note="An announcement, not an advert.")

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["state"], body["outcome"]) == ("dismissed", "An announcement, not an advert.")
    assert body["decided_at"]
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.report_id) == ("dismiss", mod, filed.pk)
    assert (entry.kind, entry.target_id) == ("record", poem.pk)
    poem.refresh_from_db()
    assert poem.deleted_at is None


def test_the_reporter_reads_the_outcome(as_bob, as_mod, filed):
    decide(as_mod, filed.pk, "dismiss", note="An announcement, not an advert.")

    body = as_bob.get(f"{REPORTS}/{filed.pk}").json()

    assert (body["state"], body["outcome"]) == ("dismissed", "An announcement, not an advert.")
    assert body["reporter"] is None


def test_removing_a_record_leaves_a_tombstone(as_mod, filed, poem):
    response = decide(as_mod, filed.pk, "remove", note="Advertising.")

    assert response.status_code == 200, response.content
    assert response.json()["state"] == "upheld"
    shown = Client().get(f"/api/v1/records/{poem.pk}")
    assert shown.status_code == 200, shown.content
    assert shown.json()["deleted"] is True
    assert shown.json()["title"] == REMOVED_TITLE
    assert shown.json()["current_version"] is None
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.before["title"], entry.after["removed"]) == (
        "remove",
        "Turnip ode",
        True,
    )


def test_removing_a_record_upholds_every_open_report_on_it(as_mod, filed, carol, alice, poem):
    same = services.file_report(carol, "record", poem.pk, reason="rules", text="Same thing.")
    elsewhere = services.file_report(carol, "member", alice.pk, reason="spam", text="Also.")

    decide(as_mod, filed.pk, "remove", note="Advertising.")

    states = dict(Report.objects.values_list("pk", "state"))
    assert states == {filed.pk: "upheld", same.pk: "upheld", elsewhere.pk: "open"}
    assert Report.objects.get(pk=same.pk).outcome == "Advertising."
    assert AuditEntry.objects.count() == 1


def test_removing_a_comment_takes_its_words_down(as_mod, bob, carol, poem):
    comment = comments.add(carol, poem, "Buy cheap watches at example.com")
    report = services.file_report(bob, "comment", comment.pk, reason="spam", text="Advert.")

    response = decide(as_mod, report.pk, "remove", note="Advertising.")

    assert response.status_code == 200, response.content
    comment = Comment.objects.get(pk=comment.pk)
    assert (comment.body, comment.removed_by_moderators) == ("", True)
    assert comment.deleted_at is not None
    assert AuditEntry.objects.get().before == {"body": "Buy cheap watches at example.com"}


def test_the_owner_is_told_of_a_removal_without_who_reported(as_mod, filed, alice):
    decide(as_mod, filed.pk, "remove", note="Advertising.")

    told = signed_in(alice).get("/api/v1/notifications").json()["items"]

    assert [n["kind"] for n in told] == ["content_removed"]
    assert told[0]["actor"] is None
    assert "bob" not in told[0]["text"].lower()
    assert "Advertising." in told[0]["text"]


def test_the_reporter_is_told_of_the_decision_without_the_moderators_name(as_bob, as_mod, filed):
    decide(as_mod, filed.pk, "dismiss", note="An announcement, not an advert.")

    told = as_bob.get("/api/v1/notifications").json()["items"]

    assert [n["kind"] for n in told] == ["report_decided"]
    assert told[0]["actor"] is None


def test_a_report_is_decided_only_once(as_mod, filed):
    assert decide(as_mod, filed.pk, "dismiss").status_code == 200

    assert_error(decide(as_mod, filed.pk, "dismiss", note="Again."), 409, "decided")
    filed.refresh_from_db()
    assert (filed.state, filed.outcome) == ("dismissed", "Within the rules.")
    assert AuditEntry.objects.count() == 1


def test_a_report_dismissed_cannot_then_be_upheld(as_mod, filed, poem):
    decide(as_mod, filed.pk, "dismiss")

    assert_error(decide(as_mod, filed.pk, "remove", note="On reflection."), 409, "decided")
    poem.refresh_from_db()
    assert poem.deleted_at is None
    assert AuditEntry.objects.count() == 1


def test_a_moderator_does_not_decide_on_their_own_record(as_mod, mod, bob, other_mod):
    theirs = make_record(mod, text="Mine.\n", title="Mod's ode", publish=True)
    report = services.file_report(bob, "record", theirs.pk, reason="spam", text="An advert.")

    assert_error(decide(as_mod, report.pk, "dismiss"), 403, "own")

    report.refresh_from_db()
    assert report.state == "open"
    assert not AuditEntry.objects.exists()
    # Another moderator decides it.
    assert decide(signed_in(other_mod), report.pk, "dismiss").status_code == 200


def test_a_moderator_does_not_decide_a_report_they_filed(as_mod, mod, poem, other_mod):
    report = services.file_report(mod, "record", poem.pk, reason="spam", text="An advert.")

    assert_error(decide(as_mod, report.pk, "remove", note="Advertising."), 403, "own")

    report.refresh_from_db()
    assert report.state == "open"
    poem.refresh_from_db()
    assert poem.deleted_at is None
    assert decide(signed_in(other_mod), report.pk, "dismiss").status_code == 200


@pytest.mark.parametrize("kind", ["member", "project", "call"])
def test_members_projects_and_calls_cannot_be_removed(as_mod, bob, alice, kind):
    project = make_project(alice)
    target = {"member": alice, "project": project, "call": make_call(project)}[kind]
    report = services.file_report(bob, kind, target.pk, reason="rules", text="Against the rules.")

    assert_error(
        decide(as_mod, report.pk, "remove", note="Breaks the rules."), 422, "not_removable"
    )

    report.refresh_from_db()
    assert report.state == "open"
    assert not AuditEntry.objects.exists()


def test_a_report_upheld_by_another_removal_is_decided(as_mod, filed, carol, poem):
    later = services.file_report(carol, "record", poem.pk, reason="rules", text="Same.")
    decide(as_mod, later.pk, "remove", note="Advertising.")

    # Carol's report's removal upheld Bob's too.
    assert_error(decide(as_mod, filed.pk, "dismiss"), 409, "decided")
    assert AuditEntry.objects.count() == 1


def test_removing_twice_says_the_report_was_decided(as_mod, filed):
    decide(as_mod, filed.pk, "remove", note="Advertising.")

    assert_error(decide(as_mod, filed.pk, "remove", note="Advertising."), 409, "decided")


def test_a_record_removed_since_is_not_reported_again(as_mod, filed, carol, poem):
    decide(as_mod, filed.pk, "remove", note="Advertising.")

    assert_nothing_filed(file(signed_in(carol), "record", poem.pk), 404, "not_found", reports=1)


def test_a_decision_needs_a_note(as_mod, filed):
    missing = post_json(as_mod, f"{QUEUE}/{filed.pk}/decision", {"action": "dismiss"})
    blank = decide(as_mod, filed.pk, "dismiss", note="   ")

    assert field_names(assert_error(missing, 422, "invalid")) == {"note"}
    assert field_names(assert_error(blank, 422, "invalid")) == {"note"}
    filed.refresh_from_db()
    assert filed.state == "open"
    assert not AuditEntry.objects.exists()


def test_an_unknown_action_is_refused(as_mod, filed):
    response = decide(as_mod, filed.pk, "obliterate")

    assert field_names(assert_error(response, 422, "invalid")) == {"action"}
    filed.refresh_from_db()
    assert filed.state == "open"


def test_deciding_a_report_that_does_not_exist_is_not_found(as_mod, filed):
    assert_error(decide(as_mod, filed.pk + 1000), 404, "not_found")


# The log


def test_the_log_lists_every_decision_newest_first_for_moderators(as_mod, filed, carol, alice):
    other = services.file_report(carol, "member", alice.pk, reason="spam", text="Also.")
    decide(as_mod, filed.pk, "remove", note="Advertising.")
    decide(as_mod, other.pk, "dismiss", note="Nothing wrong.")

    response = as_mod.get(LOG)

    assert response.status_code == 200, response.content
    items = response.json()["items"]
    assert [(e["action"], e["report"], e["note"]) for e in items] == [
        ("dismiss", other.pk, "Nothing wrong."),
        ("remove", filed.pk, "Advertising."),
    ]
    assert (items[1]["actor"], items[1]["target_owner"], items[1]["kind"]) == (
        "mod",
        "alice",
        "record",
    )
    assert items[1]["before"]["title"] == "Turnip ode"


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_the_log_is_not_there_for_members(request, as_mod, filed, who):
    decide(as_mod, filed.pk, "remove", note="Advertising.")

    assert_error(signed_in(request.getfixturevalue(who)).get(LOG), 404, "not_found")


def test_a_revoked_moderator_loses_the_queue_and_the_log(as_mod, mod, filed):
    services.revoke(mod)

    assert_error(as_mod.get(QUEUE), 404, "not_found")
    assert_error(as_mod.get(LOG), 404, "not_found")
    assert_error(decide(as_mod, filed.pk), 404, "not_found")


# The description


def test_the_openapi_document_lists_the_moderation_paths(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]

    assert set(paths["/api/v1/reports"]) == {"get", "post"}
    assert set(paths["/api/v1/reports/{report_id}"]) == {"get"}
    assert set(paths["/api/v1/reports/{report_id}/messages"]) == {"get", "post"}
    assert set(paths["/api/v1/moderation/reports"]) == {"get"}
    assert set(paths["/api/v1/moderation/reports/{report_id}/decision"]) == {"post"}
    assert set(paths["/api/v1/moderation/log"]) == {"get"}
