"""Trending and the home page: decayed scores that fresh accounts, owners and views
cannot move; the home page's sections; GET /api/v1/trending."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from ensemble.accounts.models import User
from ensemble.accounts.testing import make_user
from ensemble.community.models import Heart
from ensemble.community.services import hearts, trending
from ensemble.lineage import services as lineage
from ensemble.lineage.testing import bare_record
from ensemble.projects.testing import make_call, make_project

pytestmark = pytest.mark.django_db
NOW = timezone.now()


def grown(name):
    user = make_user(name)
    User.objects.filter(pk=user.pk).update(date_joined=NOW - dt.timedelta(days=30))
    user.refresh_from_db()
    return user


def test_hearts_and_remixes_raise_a_record_and_age_lowers_it(alice):
    quiet, loved, remixed = (bare_record(alice, kind="image", title=t) for t in ("Q", "L", "R"))
    for n in range(3):
        hearts.heart(grown(f"fan{n}"), loved)
    maker = grown("maker")
    lineage.add_source(bare_record(maker, kind="image"), remixed, by=maker, note="Used.")
    found = trending.scores(NOW)
    assert quiet.pk not in found
    assert found[loved.pk] == pytest.approx(3.0, rel=1e-3)
    assert found[remixed.pk] == pytest.approx(3.0, rel=1e-3)
    later = trending.scores(NOW + dt.timedelta(hours=trending.HALF_LIFE))
    assert later[loved.pk] == pytest.approx(1.5, rel=1e-3)


def test_fresh_accounts_and_your_own_remixes_do_not_count(alice):
    record = bare_record(alice, kind="image")
    for n in range(5):
        hearts.heart(make_user(f"puppet{n}"), record)  # joined just now
    lineage.add_source(bare_record(alice, kind="image"), record, by=alice, note="Mine.")
    assert Heart.objects.count() == 5
    assert record.pk not in trending.scores(NOW)


def test_at_most_three_entries_count(alice):
    from ensemble.projects import services as projects

    owner = grown("entrant")
    project = make_project(alice)
    record = bare_record(owner, kind="image")
    for n in range(5):
        projects.submit_entry(make_call(project, title=f"Call {n}"), by=owner, record=record)
    assert trending.scores(NOW)[record.pk] == pytest.approx(3 * trending.WEIGHTS["entry"], rel=1e-3)


def test_recompute_sweep_and_the_home_page(alice, client):
    loved = bare_record(alice, kind="image", title="Much loved")
    hearts.heart(grown("fan"), loved)
    draft = bare_record(alice, kind="image", title="Hidden", public=False)
    assert trending.sweep() == 1
    assert trending.sweep() == 0  # computed a moment ago
    make_call(make_project(alice, title="Turnip film"), title="Draw the man")
    page = client.get("/").content.decode()
    assert "Make things together" in page
    assert "Much loved" in page
    assert "Draw the man" in page
    assert "Hidden" not in page
    assert [r["title"] for r in Client().get("/api/v1/trending").json()] == ["Much loved"]
    assert draft.pk not in trending.scores(NOW)


def test_open_calls_matching_a_members_skills_come_first(alice, client):
    from ensemble.community.services import discover

    project = make_project(alice)
    make_call(project, title="Write the script", deadline=NOW + dt.timedelta(days=2))
    drawing = make_call(
        project,
        title="The turnip man",
        skills=["illustration"],
        deadline=NOW + dt.timedelta(days=9),
    )
    pictures = make_call(
        project,
        title="Any pictures",
        accepted_kinds=["image"],
        deadline=NOW + dt.timedelta(days=12),
    )
    illustrator = make_user("ill")
    illustrator.set_skills(["illustration"])
    assert discover.open_calls(illustrator)[:2] == [drawing, pictures]
    assert discover.open_calls(None)[0].title == "Write the script"
    page = client.get("/").content.decode()
    assert page.index("Write the script") < page.index("The turnip man")


def test_browse_sorts_by_trending_and_pages_by_number(alice, client, monkeypatch):
    from ensemble.front import views as record_views

    loved, liked = (
        bare_record(alice, kind="image", title="Loved"),
        bare_record(alice, kind="image", title="Liked"),
    )
    bare_record(alice, kind="image", title="Quiet")
    for n in range(2):
        hearts.heart(grown(f"fan{n}"), loved)
    hearts.heart(grown("fan9"), liked)
    trending.recompute()
    page = client.get("/records/?sort=trending").content.decode()
    assert page.index("Loved") < page.index("Liked")
    assert "Quiet" not in page
    newest = client.get("/records/").content.decode()
    assert "Quiet" in newest
    monkeypatch.setattr(record_views, "PAGE_SIZE", 1)
    first = client.get("/records/?sort=trending").content.decode()
    assert "page=2" in first
    second = client.get("/records/?sort=trending&page=2").content.decode()
    assert "Liked" in second
    assert "Loved" not in second
    assert client.get("/records/?sort=trending&page=abc").status_code == 200


def test_the_records_api_sorts_by_trending_by_page_number(alice):
    loved, liked = (bare_record(alice, kind="image", title=t) for t in ("Loved", "Liked"))
    bare_record(alice, kind="image", title="Quiet")
    for n in range(2):
        hearts.heart(grown(f"fan{n}"), loved)
    hearts.heart(grown("fan9"), liked)
    trending.recompute()
    api = Client()
    first = api.get("/api/v1/records?sort=trending&limit=1").json()
    assert [r["title"] for r in first["items"]] == ["Loved"]
    assert (first["next_cursor"], first["next_page"]) == (None, 2)
    second = api.get("/api/v1/records?sort=trending&limit=1&page=2").json()
    assert [r["title"] for r in second["items"]] == ["Liked"]
    assert second["next_page"] is None
    newest = api.get("/api/v1/records").json()
    assert newest["items"][0]["title"] == "Quiet"
    assert newest["next_page"] is None
    for bad in (
        "sort=views",
        "sort=trending&cursor=abc",
        "sort=trending&page=0",
        "sort=trending&page=501",
    ):
        response = api.get(f"/api/v1/records?{bad}")
        assert response.status_code == 422, bad
        assert "detail" in response.json()
