"""Calls and entries: every rule refused with its reason, every decision on the record."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from ensemble.community.services import follows
from ensemble.core.refusals import Refused
from ensemble.lineage import services as lineage
from ensemble.lineage.testing import bare_record
from ensemble.notifications.models import Notification
from ensemble.projects import services
from ensemble.projects.models import Decision, Entry
from ensemble.projects.testing import make_call, make_project
from ensemble.records.testing import make_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(alice):
    return make_project(alice)


@pytest.fixture
def call(project):
    return make_call(project, accepted_kinds=["image"])


def drawing(owner, **kw):
    kw.setdefault("kind", "image")
    return bare_record(owner, **kw)


def refused(code_or_text, fn, *args, **kwargs):
    with pytest.raises(Refused) as caught:
        fn(*args, **kwargs)
    assert code_or_text in (caught.value.code, caught.value.message) or (
        code_or_text in caught.value.message
    ), caught.value.message
    return caught.value


def test_a_project_gets_a_unique_slug_and_its_stages(alice):
    first = make_project(alice, title="Turnip Head")
    second = make_project(alice, title="Turnip Head")
    assert (first.slug, second.slug) == ("turnip-head", "turnip-head-2")
    assert [s.name for s in first.stages.all()][:2] == ["Writing", "Illustration"]


def test_only_the_owner_adds_leaders_and_leaders_are_told(alice, bob, carol, project):
    refused("forbidden", services.add_leader, project, by=carol, user=bob)
    services.add_leader(project, by=alice, user=bob)
    assert services.is_leader(bob, project)
    assert bob.notifications.get().kind == "project_leader_added"
    refused("conflict", services.add_leader, project, by=alice, user=bob)


def test_only_leaders_post_calls_and_deadlines_are_real(alice, bob, carol, project):
    refused("forbidden", make_call, project, carol)
    refused("time zone", make_call, project, alice, deadline=timezone.now().replace(tzinfo=None))
    refused("future", make_call, project, alice, deadline=timezone.now() - timedelta(hours=1))
    refused("Unknown kinds", make_call, project, alice, accepted_kinds=["hologram"])
    services.add_leader(project, by=alice, user=bob)
    assert make_call(project, bob).created_by == bob


def test_an_entry_is_accepted_and_counted(bob, call):
    entry = services.submit_entry(call, by=bob, record=drawing(bob))
    assert entry.state == "submitted"
    assert entry.entrant == bob


def test_entries_after_the_deadline_are_refused(bob, call):
    call.deadline = timezone.now() - timedelta(seconds=1)
    call.save()
    refused("call_closed", services.submit_entry, call, by=bob, record=drawing(bob))
    assert not Entry.objects.exists()


def test_entries_of_a_kind_the_call_does_not_take_are_refused(bob, call):
    error = refused(
        "kind_not_accepted",
        services.submit_entry,
        call,
        by=bob,
        record=bare_record(bob, kind="audio"),
    )
    assert "takes image" in error.message


def test_someone_elses_record_cannot_be_entered(bob, carol, call):
    refused("forbidden", services.submit_entry, call, by=carol, record=drawing(bob))


def test_a_draft_cannot_be_entered(bob, call):
    refused("not_public", services.submit_entry, call, by=bob, record=drawing(bob, public=False))


def test_duplicates_and_the_per_person_limit(alice, bob, project):
    call = make_call(project, max_entries_per_person=2)
    first = drawing(bob)
    services.submit_entry(call, by=bob, record=first)
    refused("duplicate_entry", services.submit_entry, call, by=bob, record=first)
    services.submit_entry(call, by=bob, record=drawing(bob))
    refused("entry_limit", services.submit_entry, call, by=bob, record=drawing(bob))
    assert Entry.objects.count() == 2


def test_a_required_resource_must_be_cited(alice, bob, project):
    poem = bare_record(alice, title="The poem")
    call = make_call(project, resources=[poem], requires_resources=True)
    uncited = drawing(bob)
    refused("resource_not_cited", services.submit_entry, call, by=bob, record=uncited)
    lineage.add_source(uncited, poem, by=bob, note="the character")
    assert services.submit_entry(call, by=bob, record=uncited)


def test_decisions_are_logged_and_the_entrant_is_told(alice, bob, call):
    entry = services.submit_entry(call, by=bob, record=drawing(bob, title="Turnip 7"))
    services.decide([entry], by=alice, state="shortlisted", note="Lovely collar.")
    services.decide([entry], by=alice, state="selected")
    log = list(Decision.objects.filter(entry=entry).values_list("from_state", "to_state", "note"))
    assert log == [("submitted", "shortlisted", "Lovely collar."), ("shortlisted", "selected", "")]
    texts = [n.text for n in bob.notifications.all()]
    assert "Your entry “Turnip 7” to “Design the main character” is now selected." in texts


def test_decisions_by_non_leaders_or_on_closed_calls_are_refused(alice, bob, carol, call):
    entry = services.submit_entry(call, by=bob, record=drawing(bob))
    refused("forbidden", services.decide, [entry], by=carol, state="selected")
    services.set_call_status(call, by=alice, status="closed")
    entry.refresh_from_db()
    refused("final", services.decide, [entry], by=alice, state="selected")
    services.set_call_status(call, by=alice, status="resolved")
    refused("final", services.decide, [entry], by=alice, state="declined")
    assert Entry.objects.get().state == "submitted"
    assert not Decision.objects.exists()


def test_a_bulk_decision_is_all_or_nothing(alice, bob, carol, call):
    one = services.submit_entry(call, by=bob, record=drawing(bob))
    two = services.submit_entry(call, by=carol, record=drawing(carol))
    services.withdraw_entry(two, by=carol)
    refused("withdrawn", services.decide, [one, two], by=alice, state="declined")
    one.refresh_from_db()
    assert one.state == "submitted"


def test_scores_are_one_per_reviewer_and_tallied(alice, bob, call):
    entry = services.submit_entry(call, by=bob, record=drawing(bob))
    services.score(entry, by=alice, value=4)
    services.score(entry, by=alice, value=5)
    entry.refresh_from_db()
    assert (entry.score_count, entry.score_total) == (1, 5)
    refused("1 to 5", services.score, entry, by=alice, value=6)
    refused("forbidden", services.score, entry, by=bob, value=5)


def test_a_sealed_call_shows_entries_to_leaders_and_to_each_entrant_only(
    alice, bob, carol, project, client
):
    call = make_call(project, sealed=True)
    services.submit_entry(call, by=bob, record=drawing(bob, title="Bob's turnip"))
    services.submit_entry(call, by=carol, record=drawing(carol, title="Carol's turnip"))
    html = client.get(call.get_absolute_url()).content.decode()
    assert "Bob&#x27;s turnip" not in html
    assert "Carol&#x27;s turnip" not in html
    assert "sealed" in html
    client.force_login(bob)
    html = client.get(call.get_absolute_url()).content.decode()
    assert "Bob&#x27;s turnip" in html
    assert "Carol&#x27;s turnip" not in html
    client.force_login(alice)
    html = client.get(call.get_absolute_url()).content.decode()
    assert "Bob&#x27;s turnip" in html
    assert "Carol&#x27;s turnip" in html
    services.set_call_status(call, by=alice, status="closed")
    client.logout()
    assert "Carol&#x27;s turnip" in client.get(call.get_absolute_url()).content.decode()


def test_blind_review_hides_names_from_reviewers(alice, bob, project, client):
    call = make_call(project, blind_review=True)
    services.submit_entry(call, by=bob, record=drawing(bob, title="Anonymous turnip"))
    client.force_login(alice)
    html = client.get(call.get_absolute_url()).content.decode()
    assert "Anonymous turnip" in html
    assert "Bob Brass" not in html
    client.force_login(bob)
    assert "Bob Brass" in client.get(call.get_absolute_url()).content.decode()


def test_a_draft_project_is_seen_by_its_leaders_only(alice, carol, client):
    project = services.create_project(alice, title="Secret plans")
    assert client.get(project.get_absolute_url()).status_code == 404
    client.force_login(carol)
    assert client.get(project.get_absolute_url()).status_code == 404
    client.force_login(alice)
    assert client.get(project.get_absolute_url()).status_code == 200


def test_an_update_is_sent_to_the_leaders_and_entrants_but_not_outsiders(
    alice, bob, carol, mod, project, call
):
    services.add_leader(project, by=alice, user=mod)
    services.submit_entry(call, by=bob, record=drawing(bob))
    services.post_update(project, by=alice, body="The script is *done*.")
    sent = list(Notification.objects.filter(kind="project_update"))
    assert {n.recipient for n in sent} == {bob, mod}  # not the author; not carol, no part
    follows.follow_project(carol, project)
    services.post_update(project, by=alice, body="And the drawings.")
    assert carol.notifications.filter(kind="project_update").count() == 1  # now she follows
    assert "The script is" in sent[0].text


def test_blind_reviewers_read_texts_in_the_grid_without_a_way_to_the_author(
    alice, bob, project, client, tasks
):
    call = make_call(project, blind_review=True, accepted_kinds=["text"])
    poem = make_record(bob, text="A turnip, *buttoned up*.", title="Buttoned", publish=True)
    services.submit_entry(call, by=bob, record=poem)
    client.force_login(alice)
    for page in (call.get_absolute_url(), f"/calls/{call.pk}/review"):
        html = client.get(page).content.decode()
        assert "Buttoned" in html
        assert "Bob Brass" not in html
        assert poem.get_absolute_url() not in html  # the record page names its owner
    assert "<em>buttoned up</em>" in client.get(f"/calls/{call.pk}/review").content.decode()
