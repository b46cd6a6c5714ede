"""`ensemble demo` builds the whole Turnip Head story through the real services: every
step checked here against the story, the credits against the lineage, search on it as a
newcomer tries it, and the command's refusals.

Building takes ~20 s, so the module builds it once (`built`), in a transaction rolled
back at the end, and every test after the first reads it. The first, the refusal, needs
a database without the demo: it stays first in the file, before `built` is made."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
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


def test_the_demo_is_refused_on_a_database_with_members_and_changes_nothing(alice):
    records = Record.objects.count()
    with pytest.raises(CommandError, match="already has 1 members"):
        call_command("demo", stdout=StringIO())
    out = StringIO()
    call_command("demo", if_empty=True, stdout=out)
    assert "no demo added" in out.getvalue()
    assert (User.objects.count(), Record.objects.count()) == (1, records)
    assert not DemoAccount.objects.exists()


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo, built once for the module (as `make run` builds it: DEBUG on); what the
    command printed."""
    folder = tmp_path_factory.mktemp("demo")
    with (
        django_db_blocker.unblock(),
        # The story sets its own windows and deadlines: an operator's odd setting
        # changes nothing (a window of 0 s once refused the demo's comments).
        override_settings(
            DEBUG=True,
            PAYMENT_COMMENT_SECONDS=0,
            MEDIA_ROOT=folder / "media",
            RECORDS_ROOT=folder / "records",
        ),
        transaction.atomic(),
    ):
        out = StringIO()
        call_command("demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)  # each test runs in a savepoint inside this


@pytest.mark.slow  # builds the demo
def test_the_demo_builds_the_whole_story_through_the_services(built, client, settings):
    settings.DEBUG = True
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


# Search on the demo, as a newcomer tries it: "turnip" shows the main work on page 1
# (the poem, the film, the project, the call), the 141 "Mr Pell, take N" drawings as
# one result with a link to the rest, each result with its kind, author, picture and
# date, the API in the same order.


def titles_and_links(page: str) -> list[tuple[str, str]]:
    found = re.findall(r'class="search-result__title"><a href="([^"]+)">(.*?)</a>', page)
    return [(url, html.unescape(re.sub(r"</?mark>", "", title))) for url, title in found]


@pytest.mark.slow  # reads the demo `built` makes
def test_turnip_puts_the_main_work_on_page_one(built, client):
    with CaptureQueriesContext(connection) as ctx:
        page = client.get("/search?q=turnip").content.decode()
    shown = titles_and_links(page)
    poem = Record.objects.get(title="The Man With a Turnip for a Head", kind="text")
    film = Record.objects.get(title="The Man With a Turnip for a Head (short film)")
    project = Project.objects.get(title="The Man With a Turnip for a Head")
    call = Call.objects.get(title="Design the main character")
    urls = [url for url, _ in shown]
    for thing in (poem, film, project, call):
        assert thing.get_absolute_url() in urls, thing
    # the title matches first: the poem, the film and the project before any drawing
    first_drawing = next(n for n, (_, title) in enumerate(shown) if "Pell" in title)
    for thing in (poem, film, project):
        assert urls.index(thing.get_absolute_url()) < first_drawing
    # the drawings of the character call are one result, not pages of them
    takes = [title for _, title in shown if title.startswith("Mr Pell, take")]
    assert len(takes) == 1
    more = re.search(r"(\d+) more like this", page)
    assert more is not None
    assert int(more.group(1)) == 140
    # a constant number of queries: the match, then one per kind (records with pictures)
    assert len(ctx.captured_queries) <= 2 + 3 + 3


@pytest.mark.slow  # reads the demo `built` makes
def test_each_result_says_what_it_is_who_made_it_when_and_shows_its_picture(built, client):
    page = client.get("/search?q=turnip").content.decode()
    items = page.split('<li class="card">')[1:]
    film = next(i for i in items if "(short film)" in i)
    assert '<p class="search-result__kind small">Video</p>' in film
    assert 'by <a href="/@hana/">' in film
    assert re.search(r'published <time datetime="\d{4}-\d\d-\d\dT', film)
    assert re.search(r'<img src="/media/r/[^"]+"', film)  # a signed link
    minuet = next(i for i in items if "Minuet for a <mark>turnip</mark></a>" in i)
    assert '<p class="search-result__kind small">Audio</p>' in minuet
    assert re.search(r'<img src="/media/r/[^"]+"', minuet)  # its waveform's picture
    call = next(i for i in items if "Design the main character" in i)
    assert "Call in The Man With a Turnip for a Head" in call
    assert re.search(r"closed <time", call)
    project = next(i for i in items if "search-result__picture--project" in i)
    assert ">Project</p>" in project
    assert re.search(r"started <time", project)


@pytest.mark.slow  # reads the demo `built` makes
def test_the_api_ranks_as_the_page_does_and_counts_the_group(built, client):
    page = client.get("/search?q=turnip").content.decode()
    api = Client().get("/api/v1/search?q=turnip").json()
    assert [r["url"] for r in api] == [url for url, _ in titles_and_links(page)]
    takes = next(r for r in api if r["title_html"].startswith("Mr Pell, take"))
    assert takes["group_size"] == 141
    assert takes["thumb"].startswith("/media/r/")
    rest = Client().get(takes["more_url"]).json()
    assert len(rest) == 20
    assert {r["group_size"] for r in rest} == {1}
    last = Client().get(takes["more_url"] + "&page=8").json()
    assert len(last) == 1  # 141 = 7 pages of 20, and one
