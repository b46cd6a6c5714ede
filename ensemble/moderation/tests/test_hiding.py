"""A report upheld by hiding a record: only its owner and the moderators see it, with
the reason, in pages, API and media; to everyone else it is out of browse, search and
profiles like a draft, while its creators keep their credit (title withheld) and their
share of payments. Its owner cannot publish it again; an appeal granted shows it again.
A project hidden takes its calls with it, and its leaders still work in it. What cannot
be hidden is refused, changing nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from ensemble.community.services import comments
from ensemble.core.refusals import Refused
from ensemble.lineage import credits
from ensemble.lineage.services import add_source
from ensemble.moderation import appeals, services
from ensemble.moderation.models import AuditEntry, Report
from ensemble.moderation.tests.api_helpers import decide
from ensemble.notifications.models import Notification
from ensemble.payments.services import snapshot
from ensemble.payments.testing import released_production
from ensemble.projects import services as projects
from ensemble.projects.testing import make_call, make_project
from ensemble.records import services as records
from ensemble.records import takedown
from ensemble.records.links import media_url
from ensemble.records.models import Record
from ensemble.records.testing import make_record, served

pytestmark = pytest.mark.django_db

REASON = "It shows a face without consent."


def hide(report, mod):
    return services.decide(report, by=mod, action="hide", note=REASON)


def client_for(user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_hiding_upholds_the_report_logs_it_and_tells_the_owner(alice, bob, mod, poem, filed):
    decided = hide(filed, mod)
    assert decided.state == Report.State.UPHELD
    poem.refresh_from_db()
    assert (poem.visibility, poem.hidden_reason) == ("hidden", REASON)
    assert poem.title == "Turnip ode"  # kept, unlike a removal
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.target_owner) == ("hide", mod, alice)
    assert entry.before == {"visibility": "public", "title": "Turnip ode"}
    assert entry.after == {"visibility": "hidden"}
    mine = client_for(alice).get("/reports/").content.decode()
    assert f'<a href="/records/{poem.pk}">“Turnip ode”</a>' in mine
    told = Notification.objects.get(recipient=alice, kind="content_hidden")
    assert told.actor is None
    assert Notification.objects.filter(recipient=bob, kind="report_decided").exists()


def test_only_its_owner_and_the_moderators_see_it(alice, bob, carol, mod, poem, filed):
    hide(filed, mod)
    for viewer in (None, bob, carol):
        client = client_for(viewer)
        assert client.get(f"/records/{poem.pk}").status_code == 404
        assert client.get(f"/api/v1/records/{poem.pk}").status_code == 404
    for viewer in (alice, mod):
        page = client_for(viewer).get(f"/records/{poem.pk}")
        assert page.status_code == 200
        assert f"Moderators hid this record: {REASON}" in page.content.decode()
    assert "You may appeal once" in client_for(alice).get(f"/records/{poem.pk}").content.decode()
    link = media_url(poem.current_version, "original", public=False)
    assert client_for(carol).get(link).status_code == 404
    assert served(client_for(alice), link).status_code == 200


def test_it_leaves_browse_search_and_the_profile_for_everyone_else(alice, carol, mod, poem, filed):
    visitor = client_for()
    assert "Turnip ode" in visitor.get("/records/").content.decode()
    hide(filed, mod)
    for client in (visitor, client_for(carol)):
        assert "Turnip ode" not in client.get("/records/").content.decode()
        assert "Turnip ode" not in client.get("/search?q=turnip").content.decode()
        assert "Turnip ode" not in client.get("/@alice/").content.decode()
        listed = client.get("/api/v1/records?limit=50").json()
        assert poem.pk not in [r["id"] for r in listed["items"]]


def test_its_creator_keeps_the_credit_and_the_money(alice, carol, mod, poem, filed):
    remix = make_record(carol, title="Ode, sung", publish=True)
    add_source(remix, poem, by=carol, note="the words")
    hide(filed, mod)
    roll = credits.credit_roll(remix.pk)
    named = {p.username: p.records for s in roll.sections for ps in s.roles.values() for p in ps}
    assert [(r.id, r.title, r.hidden) for r in named["alice"]] == [(poem.pk, "", True)]
    page = client_for().get(f"/records/{remix.pk}/credits").content.decode()
    assert "a hidden record" in page
    assert "Turnip ode" not in page
    assert str(poem.pk) in snapshot.take(remix.pk)["records"]


def test_its_owner_cannot_publish_it_again_and_an_appeal_shows_it(
    alice, mod, other_mod, poem, filed
):
    hide(filed, mod)
    poem.refresh_from_db()
    with pytest.raises(Refused) as caught:
        records.publish(poem, by=alice)
    assert caught.value.code == "hidden"
    assert REASON in caught.value.message
    assert Record.objects.get(pk=poem.pk).visibility == "hidden"
    entry = AuditEntry.objects.get(action="hide")
    appeals.decide(
        appeals.appeal(entry, by=alice, text="She agreed; here is her note."),
        by=other_mod,
        grant=True,
        note="Consent shown.",
    )
    poem.refresh_from_db()
    assert (poem.visibility, poem.hidden_reason) == ("public", "")
    assert client_for().get(f"/records/{poem.pk}").status_code == 200
    assert AuditEntry.objects.filter(action="restore").count() == 1


def refused(code, report, mod):
    with pytest.raises(Refused) as caught:
        hide(report, mod)
    assert caught.value.code == code, caught.value.message
    report.refresh_from_db()
    assert report.state == Report.State.OPEN
    assert not AuditEntry.objects.exists()


def test_a_hidden_project_takes_its_calls_with_it_and_an_appeal_shows_it(
    alice, bob, carol, mod, other_mod
):
    project = make_project(alice, title="The Turnip Musical")
    call = make_call(project, title="Songs for the musical")
    report = services.file_report(bob, "project", project.pk, reason="rules", text="Off-topic.")
    services.decide(report, by=mod, action="hide", note=REASON)
    project.refresh_from_db()
    assert project.hidden_reason == REASON
    assert not project.is_visible_to_everyone
    others = [client_for(), client_for(carol)]
    for client in others:
        for url in (
            f"/projects/{project.slug}/",
            f"/api/v1/projects/{project.slug}",
            f"/calls/{call.pk}",
            f"/api/v1/calls/{call.pk}",
        ):
            assert client.get(url).status_code == 404, url
        for url in ("/api/v1/projects", "/api/v1/calls", "/search?q=musical"):
            body = client.get(url).content.decode()  # (search marks the word it found)
            assert "The Turnip" not in body, url
            assert "Songs for the" not in body, url
    for viewer in (alice, mod):
        page = client_for(viewer).get(f"/projects/{project.slug}/").content.decode()
        assert f"Moderators hid this project: {REASON}" in page
    projects.set_status(project, by=alice, status="in_production")  # leaders work on
    assert client_for().get(f"/projects/{project.slug}/").status_code == 404
    entry = AuditEntry.objects.get(action="hide")
    assert (entry.kind, entry.target_owner, entry.before["title"]) == (
        "project",
        alice,
        "The Turnip Musical",
    )
    assert Notification.objects.get(recipient=alice, kind="content_hidden")
    appeals.decide(
        appeals.appeal(entry, by=alice, text="It is a musical about turnips: on topic."),
        by=other_mod,
        grant=True,
        note="On topic after all.",
    )
    assert client_for().get(f"/projects/{project.slug}/").status_code == 200
    assert "Songs for the" in client_for().get("/search?q=musical").content.decode()


def test_what_cannot_be_hidden_is_refused_and_nothing_changes(alice, bob, carol, mod, poem):
    comment = comments.add(bob, poem, "Buy turnips at my shop!")
    on_comment = services.file_report(carol, "comment", comment.pk, reason="spam", text="Ad.")
    refused("not_hideable", on_comment, mod)
    call = make_call(make_project(alice))
    on_call = services.file_report(carol, "call", call.pk, reason="spam", text="Ad.")
    refused("not_hideable", on_call, mod)
    story = released_production(alice, bob, carol)
    film = services.file_report(carol, "record", story.film.pk, reason="rules", text="No.")
    refused("production", film, mod)  # its project is hidden instead
    member = services.file_report(carol, "member", alice.pk, reason="spam", text="Ads.")
    refused("not_hideable", member, mod)
    report = services.file_report(bob, "record", poem.pk, reason="privacy", text="Face.")
    takedown.hide(poem, "hidden meanwhile")
    refused("not_public", report, mod)
    takedown.show(poem)
    poem.refresh_from_db()
    takedown.take_down(poem)
    refused("gone", report, mod)


def test_the_api_hides_too(alice, as_mod, poem, filed):
    response = decide(as_mod, filed.pk, action="hide", note=REASON)
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "upheld"
    poem.refresh_from_db()
    assert poem.visibility == "hidden"
