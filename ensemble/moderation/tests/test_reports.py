"""Filing a report and writing on it: what members may report, and every refusal
changes nothing."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.http import Http404

from ensemble.accounts.testing import make_user
from ensemble.community.services import comments
from ensemble.core.refusals import Refused
from ensemble.lineage.testing import bare_record
from ensemble.moderation import services
from ensemble.moderation.models import Report, ReportMessage
from ensemble.notifications.models import Notification
from ensemble.projects import services as projects
from ensemble.projects.testing import make_call, make_project
from ensemble.records.testing import make_record

pytestmark = pytest.mark.django_db


def report(by, kind, target_id, reason="spam", text="Posted forty times today.", **kw):
    return services.file_report(by, kind, target_id, reason=reason, text=text, **kw)


def refused(code, fn, *args, **kwargs):
    before = Report.objects.count()
    with pytest.raises(Refused) as caught:
        fn(*args, **kwargs)
    assert caught.value.code == code, caught.value.message
    assert Report.objects.count() == before
    return caught.value


def test_a_member_reports_a_public_record_and_its_owner_is_kept(alice, carol):
    poem = bare_record(alice, title="Turnip ode")
    made = report(carol, "record", poem.pk, reason="harassment", text="It names and mocks me.")
    assert (made.kind, made.target_id, made.target_owner, made.target_label) == (
        "record",
        poem.pk,
        alice,
        "Turnip ode",
    )
    assert made.is_open
    assert made.reporter == carol


def test_every_kind_can_be_reported(alice, bob, carol):
    poem = bare_record(alice)
    said = comments.add(bob, poem, "Buy cheap watches at example.test")
    project = make_project(alice)
    call = make_call(project, by=alice)
    for kind, pk, owner in [
        ("comment", said.pk, bob),
        ("member", bob.pk, bob),
        ("project", project.pk, alice),
        ("call", call.pk, alice),
    ]:
        assert report(carol, kind, pk).target_owner == owner


def test_what_the_reporter_cannot_see_does_not_exist_for_them(alice, bob, carol):
    draft = bare_record(alice, public=False)
    hidden = projects.create_project(alice, title="Not yet", stages=["One"])  # a draft
    gone = comments.add(bob, bare_record(alice), "soon gone")
    comments.delete(gone, by=bob)
    left = make_user("left", is_active=False)
    for kind, pk in [
        ("record", draft.pk),
        ("record", 999_999),
        ("project", hidden.pk),
        ("comment", gone.pk),
        ("member", left.pk),
        ("planet", 1),
        ("record", None),
    ]:
        with pytest.raises(Http404):
            report(carol, kind, pk)
    assert not Report.objects.exists()


def test_your_own_things_and_yourself_cannot_be_reported(alice):
    refused("own", report, alice, "record", bare_record(alice).pk)
    refused("own", report, alice, "member", alice.pk)


def test_a_second_open_report_on_the_same_thing_is_refused_until_it_is_decided(alice, carol, mod):
    poem = bare_record(alice)
    first = report(carol, "record", poem.pk)
    refused("duplicate", report, carol, "record", poem.pk, reason="other")
    services.decide(first, by=mod, action="dismiss", note="Not spam: a long poem.")
    assert report(carol, "record", poem.pk).is_open  # decided: a new report may follow


def test_the_database_itself_keeps_one_open_report_per_member_and_thing(alice, carol):
    poem = bare_record(alice)
    made = report(carol, "record", poem.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(
            reporter=carol, kind="record", target_id=poem.pk, reason="spam", text="again"
        )
    assert Report.objects.get() == made


@pytest.mark.parametrize(
    ("reason", "text", "field"),
    [
        ("nonsense", "A text.", "reason"),
        ("", "A text.", "reason"),
        ("spam", "   ", "text"),
        ("spam", "x" * 2_001, "text"),
        ("spam", "Look\x07here", "text"),  # control characters garble pages
    ],
)
def test_a_bad_reason_or_text_is_refused_by_its_field(alice, carol, reason, text, field):
    error = refused("invalid", report, carol, "record", bare_record(alice).pk, reason, text)
    assert error.field == field


def test_a_rights_report_names_an_original_it_can_show(alice, bob, carol):
    copy = bare_record(bob, title="My poem (not really)")
    original = bare_record(carol, title="The real poem")
    draft = bare_record(alice, public=False)
    refused("invalid", report, carol, "record", copy.pk, reason="rights")
    refused("invalid", report, carol, "record", copy.pk, reason="rights", original_record=copy.pk)
    refused("invalid", report, carol, "record", copy.pk, reason="rights", original_record=draft.pk)
    for url in ["javascript:alert(1)", "ftp://example.test/poem", "https://", "x" * 501]:
        refused("invalid", report, carol, "record", copy.pk, reason="rights", original_url=url)
    made = report(carol, "record", copy.pk, reason="rights", original_record=original.pk)
    assert made.original_record == original
    other = report(
        dave := make_user("dave2"),
        "record",
        copy.pk,
        reason="rights",
        original_url="https://poems.example.test/turnip",
    )
    assert other.original_url.endswith("/turnip")
    assert other.reporter == dave


def test_the_reporter_and_moderators_write_on_a_report_and_nobody_else(alice, bob, carol, mod):
    made = report(carol, "record", bare_record(alice).pk)
    services.add_message(made, by=carol, body="It is the same text as yesterday's.")
    with pytest.raises(Http404):
        services.add_message(made, by=bob, body="Let me in")
    with pytest.raises(Http404):
        services.report_for(bob, made.pk)
    with pytest.raises(Refused):
        services.add_message(made, by=carol, body="  ")
    answer = services.add_message(made, by=mod, body="Thanks, looking at it now.")
    assert answer.from_moderator
    assert list(made.messages.values_list("body", flat=True)) == [
        "It is the same text as yesterday's.",
        "Thanks, looking at it now.",
    ]
    told = Notification.objects.get(recipient=carol)
    assert told.kind == "report_message"
    assert ReportMessage.objects.count() == 2
    assert services.report_for(mod, made.pk) == made  # a moderator reads any report


def test_the_moderator_role_comes_from_the_permission_a_group_or_superuser(alice, bob, mod):
    from django.contrib.auth.models import Group

    assert services.is_moderator(mod)
    assert not services.is_moderator(alice)
    team = Group.objects.create(name="Moderators")
    team.permissions.add(services._permission())
    bob.groups.add(team)
    boss = make_user("boss", is_superuser=True)
    bob = type(bob).objects.get(pk=bob.pk)  # permissions are cached on the instance
    assert services.is_moderator(bob)
    assert services.is_moderator(boss)
    assert set(services.moderators()) == {mod, bob, boss}
    services.revoke(mod)
    mod = type(mod).objects.get(pk=mod.pk)
    assert not services.is_moderator(mod)


def test_the_moderators_hear_of_a_report_but_not_about_their_own_things(
    alice, bob, mod, other_mod, poem
):
    services.file_report(bob, "record", poem.pk, reason="spam", text="An advert.")
    told = Notification.objects.filter(kind="report_filed")
    assert set(told.values_list("recipient__username", flat=True)) == {"mod", "othermod"}
    assert told.first().actor is None  # nobody is named, the reporter least of all
    theirs = make_record(mod, title="Mod's own", publish=True)
    services.file_report(bob, "record", theirs.pk, reason="spam", text="Also an advert.")
    assert told.filter(recipient=mod).count() == 1
    assert told.filter(recipient=other_mod).count() == 2
    services.file_report(other_mod, "record", theirs.pk, reason="rules", text="Off-topic.")
    assert told.filter(recipient=other_mod).count() == 2  # not of one's own report
