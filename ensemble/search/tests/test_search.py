"""Search as members use it: content indexed by the services, found from the page and
the API, private things never found, hostile queries never an error page."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

from ensemble.accounts import indexing
from ensemble.lineage.testing import bare_record
from ensemble.projects import services as projects
from ensemble.projects.testing import make_call, make_project
from ensemble.records import services as records
from ensemble.records.models import Tag
from ensemble.records.testing import make_record
from ensemble.search.models import Document

pytestmark = pytest.mark.django_db


def test_a_text_is_found_by_a_word_inside_it_once_published(alice, client, tasks):
    poem = make_record(
        alice, text="The moon over the allotment, and a turnip dreaming.", title="Night garden"
    )
    assert "Night garden" not in client.get("/search?q=allotment").content.decode()  # a draft
    records.publish(poem, by=alice)
    page = client.get("/search?q=allotment").content.decode()
    assert "Night garden" in page
    assert "<mark>allotment</mark>" in page
    api = Client().get("/api/v1/search?q=allot").json()
    assert [(r["type"], r["id"]) for r in api] == [("record", poem.pk)]
    records.update_record(poem, by=alice, title="Moon garden")
    assert (
        Client()
        .get("/api/v1/search?q=moon&type=record")
        .json()[0]["title_html"]
        .startswith("<mark>Moon</mark>")
    )
    records.delete_record(poem, by=alice)
    assert Client().get("/api/v1/search?q=allotment").json() == []


def test_projects_calls_and_people_are_found_and_drafts_are_not(alice, bob, client):
    draft = projects.create_project(alice, title="Secret turnip plans")
    make_call(draft, title="Turnip posters")
    assert Client().get("/api/v1/search?q=turnip").json() == []
    projects.set_status(draft, by=alice, status="open")
    found = {(r["type"], r["id"]) for r in Client().get("/api/v1/search?q=turnip").json()}
    assert ("project", draft.pk) in found
    assert {t for t, _ in found} == {"project", "call"}
    bob.bio = "I draw vegetables."
    indexing.reindex(bob)
    people = Client().get("/api/v1/search?q=vegetables&type=person").json()
    assert [p["id"] for p in people] == [bob.pk]


@pytest.mark.parametrize("query", ['"', "NEAR(", "*", "((a", "title:x", "AND OR NOT", "%"])
def test_hostile_queries_are_answered_on_the_page_and_the_api(client, alice, query):
    make_project(alice, title="A project")
    assert client.get("/search", {"q": query}).status_code == 200
    assert Client().get("/api/v1/search", {"q": query}).status_code == 200


def test_bad_filters_are_refused_by_the_api_and_ignored_by_the_page(client):
    assert Client().get("/api/v1/search?q=x&type=secrets").status_code == 422
    assert Client().get("/api/v1/search?q=x&page=0").status_code == 422
    assert client.get("/search?q=x&type=secrets&page=abc").status_code == 200


def test_reindex_rebuilds_the_index_from_scratch(alice, bob):
    bare_record(alice, kind="image", title="Old turnip")  # made before search existed
    Document.objects.all().delete()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")
    out = StringIO()
    call_command("reindex", stdout=out)
    assert "records: 1 of 1" in out.getvalue()
    assert [r["type"] for r in Client().get("/api/v1/search?q=turnip").json()] == ["record"]


def test_record_filters_narrow_search_as_browse_does(alice, bob, client):
    from ensemble.lineage import services as lineage
    from ensemble.records import indexing as record_indexing

    cc = bare_record(alice, kind="image", title="Turnip sketch", licence="cc-by-4.0")
    accord = bare_record(alice, kind="image", title="Turnip study")
    remixed = bare_record(alice, kind="image", title="Turnip portrait")
    cc.tags.add(Tag.objects.create(name="ink"))
    lineage.add_source(
        bare_record(bob, kind="image", title="After"), remixed, by=bob, note="Traced it."
    )
    turnip_project = projects.create_project(alice, title="Turnip project")  # not a record
    projects.set_status(turnip_project, by=alice, status="open")

    def project_ids():
        return {turnip_project.pk}

    for record in (cc, accord, remixed):
        record_indexing.reindex(record)

    def found(query):
        return {r["id"] for r in Client().get(f"/api/v1/search?q=turnip&{query}").json()}

    assert found("tag=INK") == {cc.pk}
    assert found("license=cc-by-4.0") == {cc.pk}
    assert found("never_remixed=true") == {cc.pk, accord.pk}
    assert found("never_remixed=true&license=accord") == {accord.pk}
    assert found("tag=nothing-has-this") == set()
    assert found("tag=%20") == {cc.pk, accord.pk, remixed.pk, *project_ids()}  # no filter
    page = client.get("/search?q=turnip&never_remixed=1&licence=accord").content.decode()
    assert "</mark> study" in page
    assert "portrait" not in page
    results = page.split('id="search-title"')[1].split("</form>")[1]  # after the page's form
    assert "project" not in results.lower()
    assert Client().get("/api/v1/search?q=turnip&license=stolen").status_code == 422
    assert Client().get("/api/v1/search?q=turnip&tag=" + "x" * 51).status_code == 422
    odd = client.get("/search", {"q": "turnip", "licence": "stolen", "tag": "' OR 1=1 --"})
    assert odd.status_code == 200
    assert "<mark>" not in odd.content.decode()


def test_snippets_show_the_words_of_markdown_not_its_marks(alice, client):
    project = projects.create_project(alice, title="Allotment film")
    make_call(
        project,
        title="Posters",
        brief="We want **bold** posters: see [the brief](https://example.org/b) &amp; more.",
    )
    projects.set_status(project, by=alice, status="open")
    make_record(alice, title="Sketch", description="A _quick_ **turnip** sketch.", publish=True)

    for query in ("posters", "sketch"):
        page = client.get(f"/search?q={query}").content.decode()
        assert "**" not in page
        assert "](" not in page
        assert "_quick_" not in page
    assert "bold" in client.get("/search?q=posters").content.decode()
