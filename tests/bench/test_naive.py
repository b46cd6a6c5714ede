"""bench/naive_settings.py and bench/naive_urls.py: the page of naive Django that
bench/pages.py measures beside Ensemble's (its reference rows), served by the site's own
settings, middleware and page cache."""

import importlib

import pytest
from django.urls import reverse
from django.utils import timezone
from pages_list import NAIVE

from ensemble.records.models import Record


@pytest.fixture
def naive(settings, monkeypatch):
    """The site as bench/pages.py serves it: bench/naive_settings.py over the test
    settings (which set the environment ensemble.settings needs), the page cache on."""
    monkeypatch.setenv("BENCH_BASE_SETTINGS", "ensemble.test_settings")
    module = importlib.reload(importlib.import_module("bench.naive_settings"))
    settings.ROOT_URLCONF = module.ROOT_URLCONF
    settings.TEMPLATES = module.TEMPLATES
    settings.PAGE_CACHE_SECONDS = 60
    return module


@pytest.fixture
def records(alice, bob):
    """22 public records, then (the newest ids) a draft and a deleted record."""
    now = timezone.now()
    public = [
        Record(owner=alice if n % 2 else bob, kind="text", title=f"Public {n}")
        for n in range(1, 23)
    ]
    hidden = [
        Record(owner=alice, kind="text", title="A draft"),
        Record(owner=alice, kind="text", title="Deleted", deleted_at=now),
    ]
    for record in public + hidden[1:]:
        record.visibility, record.published_at = Record.Visibility.PUBLIC, now
    return Record.objects.bulk_create(public + hidden)


@pytest.mark.django_db
def test_the_settings_are_the_base_modules_with_the_page_and_its_template(naive):
    from ensemble import test_settings

    assert naive.ROOT_URLCONF == "bench.naive_urls"
    assert naive.MIDDLEWARE == test_settings.MIDDLEWARE
    assert naive.DATABASES == test_settings.DATABASES
    assert naive.TEMPLATES[0]["DIRS"][-1].name == "templates"
    assert test_settings.TEMPLATES[0]["DIRS"] == []  # a copy was changed, not the base
    assert reverse("naive_list") == NAIVE  # where bench/pages_list.py asks for it


@pytest.mark.django_db
def test_the_naive_page_lists_the_20_newest_public_records_with_their_owners(
    naive, records, client, django_assert_num_queries
):
    with django_assert_num_queries(2):  # the page cache's generation, the list
        response = client.get("/bench/naive-list")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Not signed in" in page
    titles = [f">Public {n}</a>" for n in range(22, 2, -1)]
    assert [page.index(t) for t in titles] == sorted(page.index(t) for t in titles)
    assert ">Public 2</a>" not in page
    assert "A draft" not in page
    assert "Deleted" not in page
    assert 'href="/@bob/">Bob Brass</a>' in page
    assert f'href="/records/{records[21].pk}"' in page


@pytest.mark.django_db
def test_the_page_cache_never_keeps_it_so_each_visit_renders_it(naive, records, client):
    first = client.get("/bench/naive-list")
    again = client.get("/bench/naive-list")
    assert "no-store" in first["Cache-Control"]
    assert "X-Page-Cache" not in first
    assert "X-Page-Cache" not in again


@pytest.mark.django_db
def test_signed_in_the_page_loads_the_session_and_the_member(
    naive, records, alice_client, django_assert_num_queries
):
    with django_assert_num_queries(3):  # the session, the member, the list
        response = alice_client.get("/bench/naive-list")
    assert "Signed in as @alice" in response.content.decode()


def test_the_bench_serves_it_over_the_settings_it_was_given(monkeypatch):
    from pages import SETTINGS, settings_env

    monkeypatch.delenv("DJANGO_SETTINGS_MODULE", raising=False)
    assert settings_env() == {
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "BENCH_BASE_SETTINGS": "ensemble.settings",
    }
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "mysite.tuned")
    assert settings_env()["BENCH_BASE_SETTINGS"] == "mysite.tuned"
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", SETTINGS)  # never its own base
    monkeypatch.setenv("BENCH_BASE_SETTINGS", "mysite.tuned")
    assert settings_env()["BENCH_BASE_SETTINGS"] == "mysite.tuned"
