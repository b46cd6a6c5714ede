"""The pages: reporting, your reports, the queue, a report's page, the log and the
tombstone of a removed record. Moderators' pages are not there for anyone else."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ensemble.accounts.testing import make_user
from ensemble.community.services import comments
from ensemble.lineage.services import add_source
from ensemble.lineage.testing import bare_record
from ensemble.moderation import services
from ensemble.moderation.models import Report
from ensemble.notifications.models import Notification
from ensemble.notifications.services import attach_about

pytestmark = pytest.mark.django_db


def signed_in(client, user):
    client.force_login(user)
    return client


def file(by, target, kind="record"):
    return services.file_report(by, kind, target.pk, reason="spam", text="Forty copies today.")


def test_a_member_reports_a_record_from_its_page(client, alice, carol):
    poem = bare_record(alice, title="Turnip ode")
    page = signed_in(client, carol).get(poem.get_absolute_url())
    form_url = reverse("moderation:file", args=["record", poem.pk])
    assert form_url in page.content.decode()
    form = client.get(form_url)
    assert form.status_code == 200
    assert "Turnip ode" in form.content.decode()
    sent = client.post(form_url, {"reason": "spam", "text": "The same poem, forty times."})
    made = Report.objects.get()
    assert sent.status_code == 302
    assert sent["Location"] == made.get_absolute_url()
    shown = client.get(sent["Location"]).content.decode()
    assert "Open" in shown
    assert "The same poem, forty times." in shown


def test_the_owner_is_not_offered_to_report_their_own_record(client, alice):
    poem = bare_record(alice)
    page = signed_in(client, alice).get(poem.get_absolute_url()).content.decode()
    assert reverse("moderation:file", args=["record", poem.pk]) not in page


def test_a_bad_report_is_shown_with_its_reason_and_saves_nothing(client, alice, carol):
    url = reverse("moderation:file", args=["record", bare_record(alice).pk])
    answer = signed_in(client, carol).post(url, {"reason": "rights", "text": "Mine."})
    assert answer.status_code == 400
    assert "Name the original" in answer.content.decode()
    assert client.post(url, {"reason": "", "text": ""}).status_code == 400
    assert not Report.objects.exists()


def test_visitors_sign_in_first_and_hidden_things_are_not_found(client, alice, carol):
    url = reverse("moderation:file", args=["record", bare_record(alice).pk])
    assert client.get(url)["Location"].startswith(reverse("accounts:login"))
    signed_in(client, carol)
    draft = bare_record(alice, public=False)
    for kind, pk in [("record", draft.pk), ("planet", "1"), ("record", "x")]:
        assert client.get(reverse("moderation:file", args=[kind, pk])).status_code == 404


def test_a_report_page_is_for_its_reporter_and_the_moderators(client, alice, bob, carol, mod):
    made = file(carol, bare_record(alice))
    assert signed_in(client, bob).get(made.get_absolute_url()).status_code == 404
    reporter_sees = signed_in(client, carol).get(made.get_absolute_url()).content.decode()
    assert 'id="decide-title"' not in reporter_sees
    assert "Reported by" not in reporter_sees
    moderator_sees = signed_in(client, mod).get(made.get_absolute_url()).content.decode()
    assert 'id="decide-title"' in moderator_sees
    assert "Reported by" in moderator_sees
    assert ">@carol</a>" in moderator_sees
    assert ">@alice</a>" in moderator_sees


def test_moderators_pages_are_not_there_for_members(client, carol):
    signed_in(client, carol)
    for name in ("moderation:queue", "moderation:log"):
        assert client.get(reverse(name)).status_code == 404


def test_the_queue_costs_the_same_queries_for_three_reports_or_thirty(client, alice, mod):
    signed_in(client, mod)

    def statements():
        client.get(reverse("moderation:queue"))  # warm: the session, the permissions
        with CaptureQueriesContext(connection) as seen:
            page = client.get(reverse("moderation:queue"))
        assert page.status_code == 200
        return len(seen)

    for n in range(3):
        file(make_user(f"reader{n}"), bare_record(alice))
    few = statements()
    for n in range(3, 30):
        file(make_user(f"reader{n}"), bare_record(alice))
    assert statements() == few
    assert Report.objects.count() == 30


def test_the_queue_filters_by_reason_and_kind_and_pages_oldest_first(client, alice, bob, mod):
    poem = bare_record(alice, title="Poem to report")
    said = comments.add(alice, bare_record(bob), "Comment to report")
    services.file_report(bob, "record", poem.pk, reason="spam", text="spam")
    services.file_report(bob, "comment", said.pk, reason="harassment", text="rude")
    signed_in(client, mod)
    by_kind = client.get(reverse("moderation:queue"), {"kind": "comment"}).content.decode()
    assert "Comment to report" in by_kind
    assert "Poem to report" not in by_kind
    by_reason = client.get(reverse("moderation:queue"), {"reason": "spam"}).content.decode()
    assert "Poem to report" in by_reason
    assert "Comment to report" not in by_reason
    odd = client.get(reverse("moderation:queue"), {"reason": "<b>", "after": "x"})
    assert odd.status_code == 200  # an unknown filter filters nothing out


def test_a_moderator_removes_a_record_and_its_page_becomes_a_tombstone(
    client, alice, bob, carol, mod
):
    poem = bare_record(alice, title="Cruel ode")
    remix = bare_record(bob, title="Reading of it")
    add_source(remix, poem, by=bob, note="read aloud")
    made = file(carol, poem)
    signed_in(client, mod)
    bad = client.post(reverse("moderation:decide", args=[made.pk]), {"action": "remove"})
    assert bad.status_code == 400
    done = client.post(
        reverse("moderation:decide", args=[made.pk]),
        {"action": "remove", "note": "Targets a classmate by name."},
    )
    assert done.status_code == 302
    client.logout()
    tombstone = client.get(poem.get_absolute_url())
    text = tombstone.content.decode()
    assert tombstone.status_code == 410
    assert "removed by moderators" in text
    assert "Targets a classmate by name." in text
    assert "Cruel ode" not in text
    assert "@alice" in text
    lineage = client.get(remix.get_absolute_url()).content.decode()
    assert "A removed work" in lineage
    assert "Cruel ode" not in lineage


def test_the_owner_reads_what_was_done_and_why_but_never_who_reported(client, alice, carol, mod):
    made = file(carol, bare_record(alice, title="Cruel ode"))
    services.decide(made, by=mod, action="remove", note="Targets a classmate by name.")
    mine = signed_in(client, alice).get(reverse("moderation:mine")).content.decode()
    assert "Cruel ode" in mine
    assert "Targets a classmate by name." in mine
    assert "carol" not in mine
    told = attach_about(list(Notification.objects.filter(recipient=alice)))
    assert "carol" not in client.get(reverse("notifications:list")).content.decode()
    assert told
    assert told[0].kind == "content_removed"
    reporter = signed_in(client, carol).get(reverse("moderation:mine")).content.decode()
    assert "Upheld" in reporter
    assert "Targets a classmate by name." in reporter


def test_the_log_lists_every_action_for_moderators(client, alice, carol, mod):
    services.decide(file(carol, bare_record(alice)), by=mod, action="dismiss", note="Fine as is.")
    page = signed_in(client, mod).get(reverse("moderation:log")).content.decode()
    assert "Fine as is." in page
    assert "@mod" in page


def test_messages_go_both_ways_on_the_report_page(client, alice, bob, carol, mod):
    made = file(carol, bare_record(alice))
    url = reverse("moderation:message", args=[made.pk])
    assert signed_in(client, carol).post(url, {"body": "More context here."}).status_code == 302
    assert client.post(url, {"body": ""}).status_code == 400
    assert signed_in(client, bob).post(url, {"body": "Me too"}).status_code == 404
    assert signed_in(client, mod).post(url, {"body": "Looking now."}).status_code == 302
    seen = signed_in(client, carol).get(made.get_absolute_url()).content.decode()
    assert "More context here." in seen
    assert "Looking now." in seen
    assert "@mod" not in seen


def test_a_moderator_never_learns_who_reported_their_own_work(client, carol, mod):
    made = file(carol, bare_record(mod, title="The moderators poem"))
    signed_in(client, mod)
    queue = client.get(reverse("moderation:queue")).content.decode()
    assert "The moderators poem" in queue
    assert "@carol" not in queue
    page = client.get(made.get_absolute_url()).content.decode()
    assert "Reported by" not in page
    assert "another moderator decides it" in page
    api = client.get(f"/api/v1/reports/{made.pk}").json()
    assert api["reporter"] is None
    listed = client.get("/api/v1/moderation/reports").json()["items"]
    assert [r["reporter"] for r in listed] == [None]
