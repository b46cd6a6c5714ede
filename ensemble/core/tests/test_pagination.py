"""Cursor pagination: newest first, stable while rows are added or removed between pages.

Uses django.contrib.auth's Group as the row type: core/ depends on no domain app.
"""

import pytest
from django.contrib.auth.models import Group
from django.core import signing
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ensemble.core.pagination import MAX_LIMIT, BadCursor, decode_cursor, encode_cursor, paginate

_counter = iter(range(1_000_000))


def add_rows(count):
    return [Group.objects.create(name=f"row {next(_counter)}") for _ in range(count)]


def newest_first(rows):
    return sorted((row.pk for row in rows), reverse=True)


def ids(page):
    return [row.pk for row in page.items]


def walk(queryset, limit, between_pages=lambda: None):
    """Fetch every page, calling `between_pages` before each next one; return the ids."""
    seen = []
    cursor = None
    while True:
        page = paginate(queryset, cursor=cursor, limit=limit)
        seen += ids(page)
        if page.next_cursor is None:
            return seen
        between_pages()
        cursor = page.next_cursor


@pytest.mark.django_db
def test_first_page_is_the_newest_rows_with_a_cursor_for_more():
    rows = add_rows(5)

    page = paginate(Group.objects.all(), cursor=None, limit=2)

    assert ids(page) == newest_first(rows)[:2]
    assert page.next_cursor is not None


@pytest.mark.django_db
def test_following_cursors_visits_every_row_once_in_order():
    rows = add_rows(7)

    assert walk(Group.objects.all(), limit=3) == newest_first(rows)


@pytest.mark.django_db
def test_last_page_has_no_cursor_even_when_it_is_exactly_full():
    rows = add_rows(4)

    first = paginate(Group.objects.all(), cursor=None, limit=2)
    second = paginate(Group.objects.all(), cursor=first.next_cursor, limit=2)

    assert ids(second) == newest_first(rows)[2:]
    assert second.next_cursor is None


@pytest.mark.django_db
def test_empty_list_is_one_empty_page():
    page = paginate(Group.objects.all(), cursor=None, limit=10)

    assert list(page.items) == []
    assert page.next_cursor is None


@pytest.mark.django_db
def test_rows_added_between_pages_cause_no_duplicates_or_gaps():
    rows = add_rows(6)

    seen = walk(Group.objects.all(), limit=2, between_pages=lambda: add_rows(3))

    # The older pages go on where they stopped; new rows show on the next first page.
    assert seen == newest_first(rows)
    assert Group.objects.count() == 6 + 3 * 2


@pytest.mark.django_db
def test_deleting_the_row_a_cursor_points_at_does_not_break_the_next_page():
    rows = add_rows(5)
    first = paginate(Group.objects.all(), cursor=None, limit=2)
    Group.objects.filter(pk=first.items[-1].pk).delete()

    second = paginate(Group.objects.all(), cursor=first.next_cursor, limit=2)

    assert ids(second) == newest_first(rows)[2:4]


@pytest.mark.django_db
def test_pages_respect_the_filter_of_the_queryset():
    rows = add_rows(6)
    wanted = Group.objects.filter(pk__in=[row.pk for row in rows[::2]])

    assert walk(wanted, limit=2) == newest_first(rows[::2])


@pytest.mark.django_db
def test_pages_are_newest_first_whatever_order_the_queryset_had():
    rows = add_rows(3)

    page = paginate(Group.objects.order_by("pk"), cursor=None, limit=3)

    assert ids(page) == newest_first(rows)


@pytest.mark.django_db
@pytest.mark.parametrize(("asked", "given"), [(0, 1), (-5, 1), (1, 1), (100, 100), (1000, 100)])
def test_limit_is_clamped_between_1_and_100(asked, given):
    Group.objects.bulk_create(Group(name=f"bulk {n}") for n in range(MAX_LIMIT + 1))

    page = paginate(Group.objects.all(), cursor=None, limit=asked)

    assert len(page.items) == given
    assert page.next_cursor is not None


@pytest.mark.django_db
def test_empty_cursor_means_the_first_page():
    rows = add_rows(2)

    assert ids(paginate(Group.objects.all(), cursor="", limit=5)) == newest_first(rows)


@pytest.mark.django_db
def test_paginating_with_a_bad_cursor_raises_bad_cursor():
    add_rows(2)

    with pytest.raises(BadCursor):
        paginate(Group.objects.all(), cursor="garbage", limit=5)


def test_cursor_round_trips_the_last_id():
    assert decode_cursor(encode_cursor(12345)) == 12345


def test_tampered_cursor_is_refused():
    cursor = encode_cursor(10)
    payload, _, signature = cursor.rpartition(":")
    forged = encode_cursor(999_999).rpartition(":")[0] + ":" + signature

    with pytest.raises(BadCursor):
        decode_cursor(forged)
    with pytest.raises(BadCursor):
        decode_cursor(payload + ":" + signature[::-1])


@pytest.mark.parametrize(
    "cursor",
    [
        pytest.param(signing.dumps(10, salt="another.purpose"), id="signed-for-another-purpose"),
        pytest.param(signing.dumps("10", salt="ensemble.pagination"), id="string-id"),
        pytest.param(signing.dumps(True, salt="ensemble.pagination"), id="boolean-id"),
        pytest.param(signing.dumps([10], salt="ensemble.pagination"), id="list-id"),
        pytest.param("not-a-cursor", id="not-signed"),
        pytest.param("é:ü", id="non-ascii"),
    ],
)
def test_cursors_we_did_not_make_are_refused(cursor):
    with pytest.raises(BadCursor, match="not valid"):
        decode_cursor(cursor)


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    initial=st.integers(min_value=0, max_value=12),
    limit=st.integers(min_value=1, max_value=5),
    inserts=st.lists(st.integers(min_value=0, max_value=3), max_size=6),
)
def test_walking_pages_while_rows_arrive_sees_exactly_the_rows_that_were_there(
    initial, limit, inserts
):
    with transaction.atomic():  # each example starts from an empty table
        rows = add_rows(initial)
        arrivals = iter(inserts)

        seen = walk(Group.objects.all(), limit, lambda: add_rows(next(arrivals, 0)))

        assert seen == newest_first(rows)
        transaction.set_rollback(True)
