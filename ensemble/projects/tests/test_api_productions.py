"""`GET /api/v1/projects/{slug}` names the project's productions and their releases,
only what the viewer may see."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ensemble.lineage.testing import bare_record
from ensemble.projects import productions, services
from ensemble.projects.testing import make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(alice, bob):
    project = make_project(alice)
    services.add_leader(project, by=alice, user=bob)
    return project


def test_a_released_production_is_listed_with_its_releases_and_credits(alice, project, client):
    film = bare_record(alice, kind="video", title="The film")
    production, _ = productions.make_production(project, by=alice, record=film)
    first = productions.release(production, by=alice)
    second = productions.release(production, by=alice)

    body = client.get(f"/api/v1/projects/{project.slug}").json()
    assert body["title"] == project.title
    [listed] = body["productions"]
    assert listed["id"] == production.pk
    assert listed["record_id"] == film.pk
    assert listed["title"] == "The film"
    assert listed["url"] == film.get_absolute_url()
    assert [r["number"] for r in listed["releases"]] == [2, 1]
    assert listed["released_at"] == listed["releases"][0]["released_at"]
    assert listed["released_at"].startswith(second.released_at.strftime("%Y-%m-%dT%H:%M:%S"))
    assert listed["releases"][1]["people_count"] == first.people_count
    assert listed["credits_url"] == f"/api/v1/productions/{production.pk}/credits"
    credits = client.get(listed["credits_url"])
    assert credits.status_code == 200
    assert credits.json()["number"] == 2


def test_an_unreleased_production_says_so(alice, project, client):
    film = bare_record(alice, kind="video", title="Rough cut")
    productions.make_production(project, by=alice, record=film)
    [listed] = client.get(f"/api/v1/projects/{project.slug}").json()["productions"]
    assert (listed["released_at"], listed["releases"], listed["credits_url"]) == (None, [], None)


def test_a_draft_production_is_only_for_those_who_may_see_it(alice, bob, carol, project, client):
    draft = bare_record(alice, kind="video", title="Secret cut", public=False)
    production, _ = productions.make_production(project, by=alice, record=draft)
    path = f"/api/v1/projects/{project.slug}"

    assert client.get(path).json()["productions"] == []  # anonymous
    client.force_login(carol)  # an outsider
    assert client.get(path).json()["productions"] == []
    assert "Secret cut" not in client.get(path).content.decode()

    client.force_login(bob)  # a leader: listed to be released, without the draft's title
    [listed] = client.get(path).json()["productions"]
    assert listed["id"] == production.pk
    assert (listed["title"], listed["url"], listed["visibility"]) == (None, None, "draft")

    client.force_login(alice)  # its creator
    [listed] = client.get(path).json()["productions"]
    assert listed["title"] == "Secret cut"


def test_a_draft_project_stays_hidden_with_its_productions(alice, carol, client):
    from ensemble.projects.services import create_project

    hidden = create_project(alice, title="Not yet", description="", stages=[])
    productions.make_production(hidden, by=alice, record=bare_record(alice, title="Cut"))
    client.force_login(carol)
    assert client.get(f"/api/v1/projects/{hidden.slug}").status_code == 404


def test_the_project_costs_the_same_queries_for_1_or_6_productions(alice, project, client):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/api/v1/projects/{project.slug}").status_code == 200
        return len(captured)

    def produce(n: int) -> None:
        for i in range(n):
            film = bare_record(alice, kind="video", title=f"Cut {i}")
            production, _ = productions.make_production(project, by=alice, record=film)
            productions.release(production, by=alice)

    produce(1)
    client.force_login(alice)
    few = queries()
    produce(5)
    assert len(client.get(f"/api/v1/projects/{project.slug}").json()["productions"]) == 6
    assert queries() == few
