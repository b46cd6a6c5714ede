"""The project and call pages: create, post a call, enter, review, decide, score."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ensemble.accounts.testing import make_user
from ensemble.lineage.testing import bare_record
from ensemble.projects import services
from ensemble.projects.models import Call, Entry, Project
from ensemble.projects.testing import make_call, make_project

pytestmark = pytest.mark.django_db


def test_creating_a_project_and_posting_a_call_from_the_pages(alice_client):
    response = alice_client.post(
        "/projects/new", {"title": "Turnip Head", "description": "", "stages": "Writing\nScore\n"}
    )
    assert response.status_code == 302
    project = Project.objects.get()
    assert [s.name for s in project.stages.all()] == ["Writing", "Score"]
    alice_client.post(f"/projects/{project.slug}/status", {"status": "open"})
    deadline = (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    response = alice_client.post(
        f"/projects/{project.slug}/calls/new",
        {
            "title": "Score",
            "brief": "Follow the reading.",
            "deadline": deadline,
            "accepted_kinds": ["audio"],
            "max_entries_per_person": 2,
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    call = Call.objects.get()
    assert (call.accepted_kinds, call.max_entries_per_person) == (["audio"], 2)
    assert timezone.is_aware(call.deadline)


def test_a_past_deadline_is_refused_on_the_page(alice, alice_client):
    project = make_project(alice)
    past = (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = alice_client.post(
        f"/projects/{project.slug}/calls/new",
        {"title": "x", "brief": "y", "deadline": past, "max_entries_per_person": 1},
    )
    assert response.status_code == 400
    assert "must be in the future" in response.content.decode()


def test_outsiders_cannot_post_calls_or_review(alice, carol, client):
    project = make_project(alice)
    call = make_call(project)
    client.force_login(carol)
    assert client.get(f"/projects/{project.slug}/calls/new").status_code == 404
    assert client.get(f"/calls/{call.pk}/review").status_code == 404
    assert client.post(f"/calls/{call.pk}/decide", {"state": "selected"}).status_code == 404
    assert not Entry.objects.filter(state="selected").exists()


def test_entering_withdrawing_and_the_review_flow(alice, bob, client):
    project = make_project(alice)
    call = make_call(project, accepted_kinds=["image"])
    drawing = bare_record(bob, kind="image", title="Bob's turnip")
    client.force_login(bob)
    page = client.get(call.get_absolute_url()).content.decode()
    assert "Bob&#x27;s turnip" in page
    assert "Enter" in page
    client.post(f"/calls/{call.pk}/enter", {"record": drawing.pk})
    entry = Entry.objects.get()

    client.force_login(alice)
    review = client.get(f"/calls/{call.pk}/review").content.decode()
    assert "Bob&#x27;s turnip" in review
    assert "Submitted (1)" in review
    client.post(f"/entries/{entry.pk}/score", {"value": "4"})
    client.post(
        f"/calls/{call.pk}/decide",
        {"entry": [entry.pk], "state": "shortlisted", "note": "Love the collar"},
    )
    entry.refresh_from_db()
    assert (entry.state, entry.score_count) == ("shortlisted", 1)

    client.force_login(bob)
    client.post(f"/entries/{entry.pk}/withdraw")
    entry.refresh_from_db()
    assert entry.state == "withdrawn"


def test_the_review_page_costs_the_same_queries_for_page_1_and_page_3(alice, client):
    call = make_call(make_project(alice), max_entries_per_person=100)
    for name in ("painter", "sketcher"):
        person = make_user(name)
        for _ in range(55):
            services.submit_entry(call, by=person, record=bare_record(person, kind="image"))
    client.force_login(alice)

    def queries(page: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/calls/{call.pk}/review?page={page}").status_code == 200
        return len(captured)

    assert queries(1) == queries(3)


def test_the_review_pager_counts_what_the_filter_shows(alice, client):
    call = make_call(make_project(alice), max_entries_per_person=100)
    person = make_user("painter")
    made = [
        services.submit_entry(call, by=person, record=bare_record(person, kind="image"))
        for _ in range(100)
    ]
    services.decide(made[:50], by=alice, state="shortlisted")
    client.force_login(alice)

    def pager(query: str) -> str:
        html = client.get(f"/calls/{call.pk}/review{query}").content.decode()
        found = re.search(r"Page \d+ of \d+", html)
        return found.group(0) if found else ""

    assert pager("") == "Page 1 of 3"  # 100 entries, 48 a page
    assert pager("?page=9") == "Page 3 of 3"
    assert pager("?state=shortlisted&page=2") == "Page 2 of 2"
    assert pager("?state=declined") == ""


def test_a_call_from_the_page_can_take_a_stage_and_the_projects_resources(alice, alice_client):
    project = make_project(alice)
    script = bare_record(alice, kind="text", title="The script")
    services.add_resource(project, by=alice, record=script)
    page = alice_client.get(f"/projects/{project.slug}/calls/new").content.decode()
    assert "The script by Alice Archer" in page
    deadline = (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    response = alice_client.post(
        f"/projects/{project.slug}/calls/new",
        {
            "title": "Draw him",
            "brief": "A turnip head.",
            "deadline": deadline,
            "max_entries_per_person": 2,
            "stage": 1,
            "resources": [script.pk],
            "requires_resources": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    call = Call.objects.get()
    assert call.stage.name == "Illustration"
    assert list(call.resource_links.values_list("record_id", flat=True)) == [script.pk]
    assert call.requires_resources


def test_a_resource_not_of_the_project_is_refused_on_the_call_form(alice, alice_client):
    project = make_project(alice)
    stranger = bare_record(alice, kind="text", title="Elsewhere")
    services.add_resource(project, by=alice, record=bare_record(alice, kind="text"))
    deadline = (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    response = alice_client.post(
        f"/projects/{project.slug}/calls/new",
        {
            "title": "Draw",
            "brief": "b",
            "deadline": deadline,
            "max_entries_per_person": 2,
            "resources": [stranger.pk],
        },
    )
    assert response.status_code == 400
    assert not Call.objects.exists()
