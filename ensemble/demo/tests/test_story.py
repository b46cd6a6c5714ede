"""`ensemble demo` builds the whole Turnip Head story through the real services: every
step checked here against the story, the credits against the lineage, and the command's
refusals. Building takes ~20 s, so one test builds it and runs every check on it."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from ensemble.accounts.models import User
from ensemble.community.models import Comment, Heart, RecordList, RecordTrend
from ensemble.core.testing import run_tasks
from ensemble.demo.models import DemoAccount
from ensemble.demo.story import works
from ensemble.lineage import graph
from ensemble.moderation import services
from ensemble.moderation.models import AuditEntry, Report
from ensemble.notifications.models import Notification
from ensemble.payments.models import LedgerEntry, Payout, Proposal
from ensemble.projects.models import Call, Entry, Project, Release
from ensemble.records.models import Record, Version

pytestmark = pytest.mark.django_db


@pytest.mark.slow  # builds the demo
def test_the_demo_builds_the_whole_story_through_the_services(client, settings):
    settings.DEBUG = True
    # The story sets its own windows and deadlines: an operator's odd setting changes
    # nothing (a window of 0 s once refused the demo's comments).
    settings.PAYMENT_COMMENT_SECONDS = 0
    out = StringIO()
    call_command("demo", stdout=out)
    built = out.getvalue()
    the_story_is_told()
    the_credits_name_everyone_in_the_lineage_and_the_page_counts_them(client)
    the_money_is_shared_in_the_open_with_a_waiver()
    the_community_is_alive_and_the_demo_accounts_have_news(built)
    passwords_show_on_the_home_page_only_with_debug_on(client, settings)


def the_story_is_told():
    film = Record.objects.get(title="The Man With a Turnip for a Head (short film)")
    project = Project.objects.get(title="The Man With a Turnip for a Head")
    poem = Record.objects.get(title="The Man With a Turnip for a Head", kind="text")
    assert "Aldous Pell" in poem.current_version.body_html
    readings = Record.objects.filter(source_edges__source=poem, kind="video", title__contains="row")
    assert readings.count() == works.READINGS
    character = Call.objects.get(title="Design the main character")
    states = list(Entry.objects.filter(call=character).values_list("state", flat=True))
    assert len(states) == works.CHARACTER_ENTRIES
    assert (states.count("shortlisted"), states.count("selected")) == (11, 1)
    assert {c.status for c in project.calls.all()} == {"resolved"}
    for call in project.calls.all():  # each closed on its day in the story, entries before
        latest = max(Entry.objects.filter(call=call).values_list("created_at", flat=True))
        assert latest < call.deadline < timezone.now() - timedelta(days=60)
    sequel = Call.objects.get(title="Design Mrs Gore")
    left = sequel.deadline - timezone.now()
    assert timedelta(days=17) < left < timedelta(days=19)
    assert (
        Record.objects.filter(
            source_edges__source__title__startswith="Minuet for a turnip", title__contains=": "
        ).count()
        == 3
    )
    assert not Version.objects.exclude(state="ready").exists()
    kinds = set(Record.objects.values_list("kind", flat=True))
    assert kinds == {"text", "image", "audio", "video"}
    # Nothing is final: remixes of the film, made after its release.
    release = Release.objects.get(production__record=film)
    remixes = Record.objects.filter(source_edges__source=film)
    assert remixes.count() == 3
    assert all(r.published_at > release.released_at for r in remixes)


def the_credits_name_everyone_in_the_lineage_and_the_page_counts_them(client):
    film = Record.objects.get(title="The Man With a Turnip for a Head (short film)")
    release = Release.objects.get(production__record=film)
    lineage = {film.pk, *graph.reachable(film.pk, "ancestors")}
    in_lineage = set(Record.objects.filter(pk__in=lineage).values_list("owner_id", flat=True))
    credited = set(release.people.filter(thanked=False).values_list("user_id", flat=True))
    assert credited == in_lineage
    entries = Entry.objects.filter(call__project=release.production.project)
    entrants = set(entries.values_list("entrant_id", flat=True))
    thanked = set(release.people.filter(thanked=True).values_list("user_id", flat=True))
    assert thanked == entrants - credited
    contributions = len(lineage | set(entries.values_list("record_id", flat=True)))
    people = len(credited | thanked)
    assert (release.contribution_count, release.people_count) == (contributions, people)
    page = client.get(release.production.project.get_absolute_url()).content.decode()
    assert f"{contributions} contributions by {people} people" in page
    for name in (
        "Wren Castellanos",
        "Tomás Ferreira",
        "Yuki Tanabe",
        "Milo Brandt",
        "Ada Holm",
        "Sol Varga",
        "Kit Moreau",
        "Inès Laurent",
    ):
        assert name in page


def the_money_is_shared_in_the_open_with_a_waiver():
    proposal = Proposal.objects.get()
    assert proposal.status == "final"
    revisions = list(proposal.revisions.order_by("number"))
    assert len(revisions) == 2
    waived = revisions[-1].adjustments["waivers"]
    assert [w["user"] for w in waived] == [User.objects.get(username="sol").pk]
    ledger = list(LedgerEntry.objects.values_list("user__username", "amount"))
    assert sum(a for _, a in ledger) == proposal.amount > 0
    assert "sol" not in {u for u, _ in ledger}
    assert Payout.objects.filter(paid_at__isnull=False).count() == 5
    assert proposal.comments.count() == 3


def the_community_is_alive_and_the_demo_accounts_have_news(built):
    assert Heart.objects.count() > 100
    assert RecordTrend.objects.exists()
    assert Comment.objects.count() >= 5
    assert RecordList.objects.get().items.count() == 6
    waiting = Report.objects.get(state=Report.State.OPEN)
    assert (waiting.kind, waiting.reporter.username) == ("comment", "wren")
    assert services.is_moderator(User.objects.get(username="rosa"))
    assert AuditEntry.objects.get().action == "dismiss"
    open_call = Call.objects.get(title="Design Mrs Gore")
    assert open_call.accepts_entries
    for account in DemoAccount.objects.select_related("user"):
        assert Notification.objects.filter(recipient=account.user, read_at=None).exists()
        assert account.password in built
        assert Client().login(username=account.user.username, password=account.password)
    crowd = User.objects.exclude(pk__in=DemoAccount.objects.values("user_id"))
    assert not any(u.has_usable_password() for u in crowd)
    verified = User.objects.filter(email_verified_at__isnull=False)
    demo = DemoAccount.objects.values_list("user__username", flat=True)
    assert set(verified.values_list("username", flat=True)) == set(demo)
    run_tasks()  # what the worker would do next: send the emails queued, if any
    assert not mail.outbox


def passwords_show_on_the_home_page_only_with_debug_on(client, settings):
    account = DemoAccount.objects.first()
    assert account.password in client.get("/").content.decode()
    settings.DEBUG = False
    page = client.get("/").content.decode()
    assert account.password not in page
    assert "This is the demo" not in page


def test_the_demo_is_refused_on_a_database_with_members_and_changes_nothing(alice):
    records = Record.objects.count()
    with pytest.raises(CommandError, match="already has 1 members"):
        call_command("demo", stdout=StringIO())
    out = StringIO()
    call_command("demo", if_empty=True, stdout=out)
    assert "no demo added" in out.getvalue()
    assert (User.objects.count(), Record.objects.count()) == (1, records)
    assert not DemoAccount.objects.exists()
