"""What moderators decide: dismissing, and removing a record or a comment without
tearing the lineage, the credits or anyone's history; the log that keeps every action."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.http import Http404

from ensemble.community.models import Comment
from ensemble.community.services import comments
from ensemble.core.refusals import Refused
from ensemble.lineage import credits
from ensemble.lineage.models import Source
from ensemble.lineage.services import add_source
from ensemble.lineage.testing import bare_record
from ensemble.moderation import services
from ensemble.moderation.models import AuditEntry, Report
from ensemble.notifications.models import Notification
from ensemble.projects.testing import make_project
from ensemble.records.models import Record, Version
from ensemble.records.takedown import REMOVED_TITLE
from ensemble.records.testing import make_record

pytestmark = pytest.mark.django_db


def report(by, kind, target_id, reason="harassment", text="It mocks a named person."):
    return services.file_report(by, kind, target_id, reason=reason, text=text)


def refused(code, fn, *args, **kwargs):
    with pytest.raises(Refused) as caught:
        fn(*args, **kwargs)
    assert caught.value.code == code, caught.value.message


def kinds_for(user):
    return set(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_only_moderators_decide_and_a_refusal_changes_nothing(alice, bob, carol):
    made = report(carol, "record", bare_record(alice).pk)
    with pytest.raises(Http404):
        services.decide(made, by=bob, action="remove", note="I do not like it.")
    made.refresh_from_db()
    assert made.is_open
    assert not AuditEntry.objects.exists()
    assert not Record.objects.filter(deleted_at__isnull=False).exists()


def test_a_dismissal_is_on_the_record_and_the_reporter_is_told(alice, carol, mod):
    made = report(carol, "record", bare_record(alice).pk)
    services.decide(made, by=mod, action="dismiss", note="Satire of a public figure is allowed.")
    made.refresh_from_db()
    assert (made.state, made.decided_by, made.outcome) == (
        "dismissed",
        mod,
        "Satire of a public figure is allowed.",
    )
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.report, entry.target_owner) == (
        mod,
        "dismiss",
        made,
        alice,
    )
    assert kinds_for(carol) == {"report_decided"}
    assert kinds_for(alice) == set()  # nothing happened to her work: she is not bothered


def test_a_removed_record_stays_in_lineage_and_credits_and_cannot_be_cited_again(
    alice, bob, carol, dave, mod
):
    poem = make_record(alice, title="Cruel ode", publish=True)
    remix = bare_record(bob, title="Reading of the ode")
    add_source(remix, poem, by=bob, note="read aloud")
    other = bare_record(dave, title="Another reading")
    add_source(other, poem, by=dave, note="quoted")
    first, second = report(carol, "record", poem.pk), report(dave, "record", poem.pk, "rules")
    files = set(Version.objects.filter(record=poem).values_list("folder", flat=True))

    services.decide(first, by=mod, action="remove", note="Targets a classmate by name.")

    poem.refresh_from_db()
    assert poem.is_deleted
    assert poem.title == REMOVED_TITLE
    assert poem.description == ""
    # The files are kept (an appeal may give it back), but nothing serves them.
    assert not Version.objects.filter(record=poem, purged_at__isnull=False).exists()
    assert set(Version.objects.filter(record=poem).values_list("folder", flat=True)) == files
    # Lineage keeps the node; credits keep its creator.
    assert Source.objects.filter(derived=remix, source=poem).exists()
    roll = credits.credit_roll(remix.pk)
    credited = {p.username for s in roll.sections for people in s.roles.values() for p in people}
    assert "alice" in credited
    # Nothing new may cite it.
    late = bare_record(carol)
    refused("gone", add_source, late, poem, by=carol, note="too late")
    # One removal upholds every open report on it, each reporter told.
    assert set(Report.objects.values_list("state", flat=True)) == {"upheld"}
    assert {first.pk, second.pk} == set(Report.objects.values_list("pk", flat=True))
    assert "report_decided" in kinds_for(carol)
    assert "report_decided" in kinds_for(dave)
    # The owner is told why; those who built on it are told it is gone, not by whom.
    assert "content_removed" in kinds_for(alice)
    assert "source_removed" in kinds_for(bob)
    assert "source_removed" in kinds_for(dave)
    entry = AuditEntry.objects.get()
    assert entry.before["title"] == "Cruel ode"
    assert entry.after["title"] == REMOVED_TITLE
    assert services.removal_of("record", poem.pk) == entry


def test_a_removed_comment_keeps_its_place_and_says_so(alice, bob, carol, mod):
    poem = bare_record(alice)
    rude = comments.add(bob, poem, "You are an idiot")
    reply = comments.add(alice, poem, "Please be kind", reply_to=rude)
    services.decide(report(carol, "comment", rude.pk), by=mod, action="remove", note="Insult.")
    rude.refresh_from_db()
    assert rude.removed_by_moderators
    assert rude.deleted_at
    assert rude.body == ""
    assert Comment.objects.get(pk=reply.pk).reply_to_id == rude.pk
    assert AuditEntry.objects.get().before == {"body": "You are an idiot"}
    assert "content_removed" in kinds_for(bob)


def test_a_report_is_decided_once(alice, carol, mod):
    made = report(carol, "record", bare_record(alice).pk)
    stale = Report.objects.get(pk=made.pk)  # a second moderator's copy, loaded before
    services.decide(made, by=mod, action="dismiss", note="Fine.")
    refused("decided", services.decide, stale, by=mod, action="remove", note="No, remove.")
    assert AuditEntry.objects.count() == 1
    assert not Record.objects.filter(deleted_at__isnull=False).exists()


def test_moderators_never_decide_on_their_own_work_or_their_own_reports(alice, carol, mod):
    theirs = report(carol, "record", bare_record(mod).pk)
    refused("own", services.decide, theirs, by=mod, action="dismiss", note="Mine is fine.")
    filed = report(mod, "record", bare_record(alice).pk)
    refused("own", services.decide, filed, by=mod, action="remove", note="I said so.")
    assert not AuditEntry.objects.exists()


def test_what_cannot_be_removed_yet_is_refused_with_the_alternatives(alice, carol, mod):
    for kind, pk in [("member", alice.pk), ("project", make_project(alice).pk)]:
        refused(
            "not_removable",
            services.decide,
            report(carol, kind, pk),
            by=mod,
            action="remove",
            note="Bad.",
        )
    assert not AuditEntry.objects.exists()


def test_a_decision_needs_a_reason_and_a_known_action(alice, carol, mod):
    made = report(carol, "record", bare_record(alice).pk)
    refused("invalid", services.decide, made, by=mod, action="remove", note="  ")
    refused("invalid", services.decide, made, by=mod, action="obliterate", note="Bad.")
    made.refresh_from_db()
    assert made.is_open


def test_a_thing_gone_since_it_was_reported_can_only_be_dismissed(alice, carol, mod):
    poem = bare_record(alice)
    made = report(carol, "record", poem.pk)
    Record.objects.filter(pk=poem.pk).update(deleted_at=poem.created_at)
    refused("gone", services.decide, made, by=mod, action="remove", note="Bad.")
    services.decide(made, by=mod, action="dismiss", note="Deleted by its owner meanwhile.")


def test_the_audit_log_is_append_only(alice, carol, mod):
    services.decide(
        report(carol, "record", bare_record(alice).pk), by=mod, action="dismiss", note="Fine."
    )
    entry = AuditEntry.objects.get()
    entry.note = "Rewritten history"
    for attempt in (
        entry.save,
        entry.delete,
        lambda: AuditEntry.objects.update(note="x"),
        lambda: AuditEntry.objects.all().delete(),
    ):
        with pytest.raises(TypeError):
            attempt()
    assert AuditEntry.objects.get().note == "Fine."


def test_operators_grant_and_revoke_the_role_from_the_command_line(alice, bob, capsys):
    call_command("moderators", "grant", "alice", "bob")
    call_command("moderators", "list")
    assert capsys.readouterr().out.splitlines()[-2:] == ["alice", "bob"]
    with pytest.raises(CommandError, match="No such member: nobody"):
        call_command("moderators", "revoke", "alice", "nobody")
    assert services.is_moderator(type(alice).objects.get(pk=alice.pk))  # all or none
    call_command("moderators", "revoke", "alice")
    assert not services.is_moderator(type(alice).objects.get(pk=alice.pk))
    with pytest.raises(CommandError, match="Name the members"):
        call_command("moderators", "grant")
