"""The visitors' page cache (core/pagecache.py): what it keeps, for whom, and until when.

Writes are committed as the site commits them: `django_capture_on_commit_callbacks(
execute=True)` runs the on-commit work (the generation's renewal) that a test's
rolled-back transaction would otherwise never reach."""

from __future__ import annotations

import threading
import time

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client, RequestFactory

from ensemble.accounts.services import create_access_token
from ensemble.accounts.tests.api_helpers import bearer
from ensemble.core import generations, pagecache
from ensemble.notifications.models import Notification
from ensemble.records import services
from ensemble.records.models import Record
from ensemble.records.testing import make_record

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 60


@pytest.fixture
def poem(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return make_record(alice, text="Salt on the window", title="Harbour poem", publish=True)


def committed(django_capture_on_commit_callbacks, change):
    """Run `change` as a committed transaction would: with its on-commit work."""
    with django_capture_on_commit_callbacks(execute=True):
        change()


def visit(path: str, **headers: str):
    return Client(headers=headers).get(path)


def test_a_visitors_page_is_kept_and_served_again(poem, django_assert_num_queries):
    first = visit(f"/records/{poem.pk}")
    assert first.status_code == 200
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(1):  # the generation
        again = visit(f"/records/{poem.pk}")
    assert again["X-Page-Cache"] == "hit"
    assert again.content == first.content
    assert "Cookie" in again["Vary"]  # no shared cache may hand it to a member
    assert "Content-Security-Policy" in again  # the outer middleware's headers, afresh


def test_a_record_made_private_is_never_served_from_the_cache(
    poem, alice, django_capture_on_commit_callbacks
):
    assert b"Harbour poem" in visit(f"/records/{poem.pk}").content
    committed(django_capture_on_commit_callbacks, lambda: services.delete_record(poem, by=alice))
    gone = visit(f"/records/{poem.pk}")
    assert gone.status_code == 410
    assert b"Salt on the window" not in gone.content


def test_a_write_without_model_signals_renews_pages(poem, django_capture_on_commit_callbacks):
    assert b"Harbour poem" in visit(f"/records/{poem.pk}").content
    assert b"Harbour poem" in visit("/api/v1/records?limit=5").content
    committed(
        django_capture_on_commit_callbacks,
        lambda: Record.objects.filter(pk=poem.pk).update(title="Quay poem"),
    )
    assert b"Quay poem" in visit(f"/records/{poem.pk}").content
    assert b"Quay poem" in visit("/api/v1/records?limit=5").content


def test_a_members_page_is_neither_kept_nor_served(poem, bob):
    member = Client()
    member.force_login(bob)
    own = member.get(f"/records/{poem.pk}")
    assert "X-Page-Cache" not in own
    assert b"Sign out" in own.content
    assert b"<span>bob</span>" in own.content
    visitor = visit(f"/records/{poem.pk}")
    assert visitor["X-Page-Cache"] == "miss"  # the member's page was not stored
    assert b"Sign out" not in visitor.content
    assert b"bob" not in visitor.content
    again = member.get(f"/records/{poem.pk}")  # now a visitor's page is kept
    assert "X-Page-Cache" not in again
    assert b"Sign out" in again.content
    assert b"<span>bob</span>" in again.content


def test_a_draft_seen_by_its_owner_stays_hidden_from_visitors(alice):
    draft = make_record(alice, title="Secret sketch")
    owner = Client()
    owner.force_login(alice)
    assert owner.get(f"/records/{draft.pk}").status_code == 200
    token = bearer(create_access_token(alice, "tests").secret)
    assert Client().get(f"/api/v1/records/{draft.pk}", headers=token).status_code == 200
    for path in (f"/records/{draft.pk}", f"/api/v1/records/{draft.pk}"):
        answer = visit(path)
        assert answer.status_code == 404
        assert b"Secret sketch" not in answer.content


def test_requests_with_a_session_token_or_htmx_are_not_served_from_the_cache(poem):
    visit(f"/records/{poem.pk}")
    path = f"/records/{poem.pk}"
    with_session = Client()
    with_session.cookies["sessionid"] = "anything"  # even a session that signs no one in
    assert "X-Page-Cache" not in with_session.get(path)
    assert "X-Page-Cache" not in visit(path, Authorization="Bearer nonsense")
    assert "X-Page-Cache" not in visit(path, **{"HX-Request": "true"})
    assert visit(path)["X-Page-Cache"] == "hit"


def test_pages_with_a_csrf_token_are_rendered_for_each_visitor():
    first = visit("/accounts/login/")
    assert first.status_code == 200
    assert "X-Page-Cache" not in first
    assert "X-Page-Cache" not in visit("/accounts/login/")


def test_visiting_pages_does_not_renew_them(poem, django_capture_on_commit_callbacks):
    before = generations.current(pagecache.FAMILY)
    with django_capture_on_commit_callbacks(execute=True):
        for path in (
            "/",
            "/records/",
            f"/records/{poem.pk}",
            f"/records/{poem.pk}/tree",
            f"/records/{poem.pk}/credits",
            "/search?q=harbour",
            "/calls/",
            f"/api/v1/records/{poem.pk}",
        ):
            assert visit(path).status_code == 200, path
    assert generations.current(pagecache.FAMILY) == before


def test_writes_count_once_per_transaction_and_not_when_rolled_back(
    poem, django_capture_on_commit_callbacks
):
    before = generations.current(pagecache.FAMILY)

    def two_writes() -> None:
        with transaction.atomic():
            Record.objects.filter(pk=poem.pk).update(title="One")
            Record.objects.filter(pk=poem.pk).update(title="Two")

    committed(django_capture_on_commit_callbacks, two_writes)
    assert generations.current(pagecache.FAMILY) == before + 1

    def rolled_back() -> None:
        with transaction.atomic():
            Record.objects.filter(pk=poem.pk).update(title="Three")
            transaction.set_rollback(True)

    committed(django_capture_on_commit_callbacks, rolled_back)
    assert generations.current(pagecache.FAMILY) == before + 1


def test_unwatched_tables_and_reads_do_not_count(alice, django_capture_on_commit_callbacks):
    before = generations.current(pagecache.FAMILY)

    def quiet() -> None:
        Notification.objects.filter(recipient=alice).update(read_at=None)
        with connection.cursor() as cursor:
            cursor.execute("WITH t(x) AS (SELECT 1) SELECT x FROM t")

    committed(django_capture_on_commit_callbacks, quiet)
    assert generations.current(pagecache.FAMILY) == before


@pytest.mark.parametrize(
    ("sql", "table"),
    [
        ('INSERT INTO "records_record" ("title") VALUES (%s)', "records_record"),
        ('INSERT OR IGNORE INTO "community_heart" VALUES (1)', "community_heart"),
        ('  UPDATE "lineage_source" SET "note" = %s', "lineage_source"),
        ('DELETE FROM "projects_entry" WHERE id = 1', "projects_entry"),
        ("WITH x AS (SELECT 1) UPDATE records_tag SET name = 'a'", "records_tag"),
    ],
)
def test_the_written_table_is_read_from_the_statement(sql, table):
    match = pagecache._WRITE.search(sql)
    assert match is not None
    assert match.group(1) == table


def test_an_aged_page_is_rendered_again_by_one_request_while_others_get_it(
    poem, monkeypatch, settings
):
    clock = [1_000_000.0]
    monkeypatch.setattr(pagecache, "_now", lambda: clock[0])
    path = f"/records/{poem.pk}"
    assert visit(path)["X-Page-Cache"] == "miss"
    clock[0] += settings.PAGE_CACHE_SECONDS + 1
    asked = RequestFactory().get(path)
    key = pagecache._key(asked, generations.current(pagecache.FAMILY))
    assert cache.get(key) is not None
    assert cache.add(f"{key}:rendering", 1)  # as if another request were rendering it
    assert visit(path)["X-Page-Cache"] == "stale"
    cache.delete(f"{key}:rendering")
    assert visit(path)["X-Page-Cache"] == "miss"  # this one renders it again
    assert visit(path)["X-Page-Cache"] == "hit"


def _key_of(path: str) -> str:
    return pagecache._key(RequestFactory().get(path), generations.current(pagecache.FAMILY))


def test_a_page_being_rendered_is_waited_for_not_rendered_again(poem, monkeypatch):
    path = f"/records/{poem.pk}"
    key = _key_of(path)
    assert cache.add(f"{key}:rendering", 1)  # another request renders it…
    other = {"content": b"rendered by the other", "headers": [], "fresh_until": 2e9}
    timer = threading.Timer(0.05, cache.set, args=(key, other, 60))  # …and keeps it
    timer.start()
    answer = visit(path)
    timer.join()
    assert answer.content == b"rendered by the other"
    assert answer["X-Page-Cache"] == "hit"


def test_a_request_that_waited_in_vain_renders_its_own(poem, monkeypatch):
    monkeypatch.setattr(pagecache, "AWAIT_SECONDS", 0.05)
    path = f"/records/{poem.pk}"
    assert cache.add(f"{_key_of(path)}:rendering", 1)  # held by a request that died
    answer = visit(path)
    assert answer["X-Page-Cache"] == "miss"
    assert b"Harbour poem" in answer.content


def test_a_rendering_that_ends_without_a_page_frees_its_waiters_at_once(poem, monkeypatch):
    monkeypatch.setattr(pagecache, "AWAIT_SECONDS", 60.0)  # never reached
    path = f"/records/{poem.pk}"
    claim = f"{_key_of(path)}:rendering"
    assert cache.add(claim, 1)  # another request renders it, then fails: no page kept
    timer = threading.Timer(0.05, cache.delete, args=(claim,))
    timer.start()
    started = time.monotonic()
    answer = visit(path)
    timer.join()
    assert time.monotonic() - started < 5
    assert answer["X-Page-Cache"] == "miss"  # so this one renders it
    assert b"Harbour poem" in answer.content


def test_an_address_not_to_share_is_rendered_without_waiting(monkeypatch):
    first = visit("/accounts/login/")  # a form: not shared, and remembered as such
    assert "X-Page-Cache" not in first
    assert cache.add(f"{_key_of('/accounts/login/')}:rendering", 1)

    def never(key: str) -> None:
        raise AssertionError("waited for a page that is never kept")

    monkeypatch.setattr(pagecache, "_awaited", never)
    assert visit("/accounts/login/").status_code == 200


def test_the_health_check_is_never_kept(django_assert_num_queries):
    with django_assert_num_queries(0):  # not even the generation: it must cost nothing
        answer = visit("/healthz")
    assert answer.status_code == 200
    assert "X-Page-Cache" not in answer


def test_off_when_page_cache_seconds_is_zero(poem, settings):
    settings.PAGE_CACHE_SECONDS = 0
    visit(f"/records/{poem.pk}")
    assert "X-Page-Cache" not in visit(f"/records/{poem.pk}")
