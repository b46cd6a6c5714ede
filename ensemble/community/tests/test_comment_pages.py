"""Long conversations come a page at a time: the newest comments with an "older
comments" link on pages (htmx fetches the older page in place; without JavaScript the
link reloads the page further back), and cursor pages in the API; the cost of a page
does not grow with the conversation."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ensemble.accounts.testing import make_user
from ensemble.community.models import Comment
from ensemble.community.services.comments import PAGE_SIZE
from ensemble.lineage.testing import bare_record
from ensemble.projects.testing import make_project

pytestmark = pytest.mark.django_db


def _talk(target, people, count, **on):
    made = [
        Comment(
            subject=target,
            author=people[i % len(people)],
            body=f"Remark {i}",
            body_html=f"<p>Remark {i}</p>",
        )
        for i in range(count)
    ]
    Comment.objects.bulk_create(made)
    return list(Comment.objects.on(target).order_by("pk"))


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response


def test_the_record_page_shows_the_newest_comments_and_a_link_to_older_ones(alice, bob):
    poem = bare_record(alice, kind="text")
    rows = _talk(poem, [alice, bob], 45)
    Comment.objects.create(
        subject=poem, author=bob, reply_to=rows[-1], body="Reply", body_html="<p>A reply</p>"
    )
    page = Client().get(poem.get_absolute_url()).content.decode()
    assert "Remark 44" in page
    assert "A reply" in page
    assert "Remark 24" not in page  # 20 threads a page
    older = rows[-PAGE_SIZE].pk
    assert f"?comments_before={older}#comments" in page
    back = Client().get(f"{poem.get_absolute_url()}?comments_before={older}").content.decode()
    assert "Remark 24" in back
    assert "Remark 5" in back
    assert "Remark 25" not in back
    assert "Remark 4" not in back
    assert "Newest comments" in back
    fragment = (
        Client()
        .get(f"/comments/on/record/{poem.pk}?before={older}", headers={"HX-Request": "true"})
        .content.decode()
    )
    assert "Remark 24" in fragment
    assert "<html" not in fragment
    assert "Add a comment" not in fragment
    assert "Older comments" in fragment  # and five more beyond


def test_a_page_costs_the_same_queries_for_5_or_100_comments(alice, bob, carol):
    few, many = bare_record(alice, kind="text"), bare_record(alice, kind="text")
    people = [alice, bob, carol, *(make_user(f"talker{i}") for i in range(7))]
    _talk(few, people, 5)
    for top in _talk(many, people, 100)[-10:]:
        Comment.objects.create(subject=many, author=carol, reply_to=top, body="r", body_html="r")
    viewer = Client()
    viewer.force_login(bob)
    small, _ = _queries(viewer, few.get_absolute_url())
    large, response = _queries(viewer, many.get_absolute_url())
    assert small == large
    assert len(response.content) < 120_000
    api_small, _ = _queries(Client(), f"/api/v1/records/{few.pk}/comments")
    api_large, _ = _queries(Client(), f"/api/v1/records/{many.pk}/comments")
    assert api_small == api_large
    quiet, busy = make_project(alice), make_project(alice)
    _talk(quiet, people, 5)
    _talk(busy, people, 100)
    assert (
        _queries(viewer, quiet.get_absolute_url())[0]
        == _queries(viewer, busy.get_absolute_url())[0]
    )


def test_the_api_pages_comments_by_cursor(alice, bob):
    poem = bare_record(alice, kind="text")
    rows = _talk(poem, [alice, bob], 45)
    url = f"/api/v1/records/{poem.pk}/comments"
    first = Client().get(url, {"limit": 20}).json()
    assert [c["id"] for c in first["items"]] == [r.pk for r in rows[::-1][:20]]
    second = Client().get(url, {"limit": 20, "cursor": first["next_cursor"]}).json()
    third = Client().get(url, {"limit": 20, "cursor": second["next_cursor"]}).json()
    assert (len(second["items"]), len(third["items"]), third["next_cursor"]) == (20, 5, None)
    assert Client().get(url, {"cursor": "forged"}).json()["code"] == "bad_cursor"
    assert Client().get(url, {"limit": 1000}).status_code == 422
