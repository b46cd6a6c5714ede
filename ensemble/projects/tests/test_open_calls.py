"""Finding a call to work on: the skills a call asks for against a member's skills, on
the open calls page, in the API and on the call form."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ensemble.accounts.tests.api_helpers import post_json
from ensemble.core.refusals import Refused
from ensemble.projects import services
from ensemble.projects.models import Call
from ensemble.projects.services import matching
from ensemble.projects.testing import make_call, make_project

pytestmark = pytest.mark.django_db
SOON = timezone.now() + timedelta(days=3)


@pytest.fixture
def calls(alice):
    project = make_project(alice, title="Turnip film")
    return {
        "named": make_call(
            project,
            title="Character design",
            skills=["illustration"],
            deadline=SOON + timedelta(days=1),
        ),
        "by_kind": make_call(
            project, title="Stills", accepted_kinds=["image"], deadline=SOON + timedelta(days=2)
        ),
        "score": make_call(
            project,
            title="A score",
            skills=["music"],
            accepted_kinds=["audio"],
            deadline=SOON + timedelta(days=3),
        ),
        "anyone": make_call(project, title="Anything at all", deadline=SOON),
    }


def titles(calls):
    return {c.title for c in calls}


def test_a_call_suits_the_skills_it_names_or_those_its_kinds_need(calls):
    suited = matching.open_calls().filter(matching.suits(["photography"]))
    assert titles(suited) == {"Stills"}  # names no skill; takes images
    suited = matching.open_calls().filter(matching.suits(["illustration", "music"]))
    assert titles(suited) == {"Character design", "Stills", "A score"}
    assert not matching.open_calls().filter(matching.suits([])).exists()
    assert not matching.open_calls().filter(matching.suits(["juggling"])).exists()


def test_unknown_skills_are_refused_and_nothing_is_made(alice):
    project = make_project(alice)
    with pytest.raises(Refused) as caught:
        make_call(project, skills=["illustration", "juggling"])
    assert "juggling" in caught.value.message
    assert not project.calls.exists()


def test_the_open_calls_page_filters_and_marks_what_suits_you(calls, alice, client):
    page = client.get("/calls/").content.decode()
    assert page.index("Anything at all") < page.index("Character design")  # soonest first
    assert "For your skills" not in page
    assert "Only calls for my skills" not in page  # a visitor has none
    assert titles_in(client.get("/calls/?skill=music")) == {"A score"}
    assert titles_in(client.get("/calls/?kind=audio")) == {
        "A score",
        "Anything at all",
        "Character design",
    }  # any kind
    alice.set_skills(["music"])
    client.force_login(alice)
    page = client.get("/calls/").content.decode()
    assert page.count("For your skills") == 1
    assert "Only calls for my skills (Music)" in page
    assert titles_in(client.get("/calls/?mine=1")) == {"A score"}
    for odd in ("?kind=secret&skill=juggling&page=abc", "?page=0", "?page=99999"):
        assert client.get("/calls/" + odd).status_code == 200


def test_the_open_calls_page_leaves_out_drafts_closed_and_past_calls(calls, alice, client):
    hidden = make_project(alice, title="Secret")
    hidden.status = "draft"
    hidden.save()
    services.create_call(hidden, by=alice, title="Hidden call", brief="Shh.", deadline=SOON)
    services.set_call_status(calls["score"], by=alice, status="closed")
    past = make_call(calls["named"].project, title="Missed it")
    Call.objects.filter(pk=past.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    assert titles_in(client.get("/calls/")) == {"Character design", "Stills", "Anything at all"}


def test_the_page_reads_the_same_number_of_queries_for_more_calls(calls, alice, client):
    alice.set_skills(["music"])
    client.force_login(alice)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/calls/").status_code == 200
        return len(queries)

    few = count()
    for n in range(10):
        make_call(calls["named"].project, title=f"More {n}", skills=["music"])
    assert count() == few


def test_the_api_takes_skills_and_filters_by_them(calls, alice, alice_client):
    deadline = (timezone.now() + timedelta(days=5)).isoformat()
    project = calls["named"].project.slug
    made = post_json(
        alice_client,
        f"/api/v1/projects/{project}/calls",
        {"title": "Voices", "brief": "Read it aloud.", "deadline": deadline, "skills": ["voice"]},
    )
    assert made.status_code == 201, made.content
    assert made.json()["skills"] == ["voice"]
    refused = post_json(
        alice_client,
        f"/api/v1/projects/{project}/calls",
        {"title": "Odd", "brief": "?", "deadline": deadline, "skills": ["juggling"]},
    )
    assert refused.status_code == 422
    anyone = Client()
    listed = anyone.get("/api/v1/calls?skill=voice").json()["items"]
    assert [c["title"] for c in listed] == ["Voices"]
    assert anyone.get("/api/v1/calls?skill=juggling").status_code == 422
    assert anyone.get("/api/v1/calls?for_me=true").status_code == 401
    alice.set_skills(["photography"])
    mine = alice_client.get("/api/v1/calls?for_me=true").json()["items"]
    assert [c["title"] for c in mine] == ["Stills"]


def test_the_call_form_takes_skills(alice, alice_client):
    project = make_project(alice)
    local = (timezone.localtime() + timedelta(days=4)).strftime("%Y-%m-%dT%H:%M")
    response = alice_client.post(
        f"/projects/{project.slug}/calls/new",
        {
            "title": "Draw him",
            "brief": "A turnip.",
            "deadline": local,
            "max_entries_per_person": 3,
            "skills": ["illustration", "design"],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert project.calls.get().skills == ["design", "illustration"]
    bad = alice_client.post(
        f"/projects/{project.slug}/calls/new",
        {
            "title": "Odd",
            "brief": "?",
            "deadline": local,
            "max_entries_per_person": 3,
            "skills": ["juggling"],
        },
    )
    assert bad.status_code == 400
    assert project.calls.count() == 1


def titles_in(response):
    import re

    return set(
        re.findall(
            r'<h2 class="card__title h3"><a href="[^"]+">([^<]+)</a>', response.content.decode()
        )
    )
