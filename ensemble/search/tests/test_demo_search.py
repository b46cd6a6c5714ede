"""Search on the demo, as a newcomer tries it: "turnip" shows the main work on page 1
(the poem, the film, the project, the call), the 141 "Mr Pell, take N" drawings as one
result with a link to the rest, each result with its kind, author, picture and date, the
API in the same order. The demo takes ~20 s to build, so the module builds it once, in a
transaction rolled back at the end."""

from __future__ import annotations

import html
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from ensemble.projects.models import Call, Project
from ensemble.records.models import Record

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # builds the demo


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=folder / "media", RECORDS_ROOT=folder / "records"),
        transaction.atomic(),
    ):
        call_command("demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)  # each test runs in a savepoint inside this


def titles_and_links(page: str) -> list[tuple[str, str]]:
    found = re.findall(r'class="search-result__title"><a href="([^"]+)">(.*?)</a>', page)
    return [(url, html.unescape(re.sub(r"</?mark>", "", title))) for url, title in found]


def test_turnip_puts_the_main_work_on_page_one(demo, client):
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


def test_each_result_says_what_it_is_who_made_it_when_and_shows_its_picture(demo, client):
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


def test_the_api_ranks_as_the_page_does_and_counts_the_group(demo, client):
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
