"""The timelines' pages without JavaScript, continued: renders and their status,
previews, the history with compare and restore, the cut drawn at a glance, and the
editor's queries."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ensemble.timelines import services
from ensemble.timelines.models import Render
from ensemble.timelines.tests.helpers import cut, footage
from ensemble.timelines.tests.test_pages import edit_url, newest

pytestmark = pytest.mark.django_db


@pytest.fixture
def f(alice, bob, carol):
    return footage(alice, bob, carol)


@pytest.fixture
def timeline(f, alice):
    made = services.create(f.project, by=alice, title="The walk home")
    services.save(made, cut(f), by=alice, based_on=1, note="First cut")
    return made


def test_a_draft_render_is_queued_and_followed_live(client, timeline, alice, tasks):
    client.force_login(alice)
    url = reverse("timelines:render", args=[timeline.pk])
    answer = client.post(url, {"quality": "draft"})
    assert answer.status_code == 303
    made = Render.objects.get()
    assert (made.quality, made.state, made.revision.number) == ("draft", "queued", 2)
    fragment = client.get(reverse("timelines:renders", args=[timeline.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in fragment
    assert "<progress" in fragment
    tasks()
    made.refresh_from_db()
    assert made.state == "ready", made.failure_reason
    fragment = client.get(reverse("timelines:renders", args=[timeline.pk])).content.decode()
    assert "hx-trigger" not in fragment  # nothing left to follow
    assert f'src="{reverse("timelines:render_file", args=[made.pk])}"' in fragment


def test_a_render_started_through_htmx_answers_the_fragment(client, timeline, alice):
    client.force_login(alice)
    url = reverse("timelines:render", args=[timeline.pk])
    answer = client.post(url, {"quality": "final"}, headers={"HX-Request": "true"})
    assert answer.status_code == 200
    assert "Final render of revision 2 queued." in answer.content.decode()
    again = client.post(url, {"quality": "final"}, headers={"HX-Request": "true"})
    assert again.status_code == 200  # htmx swaps only a 2xx answer in
    assert "A final render of this timeline is under way" in again.content.decode()
    assert Render.objects.count() == 1


def test_a_failed_render_says_why(client, timeline, alice):
    Render.objects.create(
        timeline=timeline,
        revision=services.revision_of(timeline),
        quality="draft",
        state="failed",
        failure_reason="video 2: “The walk” could not be read.",
    )
    client.force_login(alice)
    page = client.get(edit_url(timeline)).content.decode()
    assert "It failed: video 2: “The walk” could not be read." in page


# ---------------------------------------------------------------- history


def test_the_history_compares_and_restores(client, timeline, f, alice):
    client.force_login(alice)
    url = reverse("timelines:history", args=[timeline.pk])
    page = client.get(url).content.decode()
    assert page.index("Revision 2") < page.index("Revision 1")
    assert "First cut" in page
    assert "Started" in page
    compared = client.get(url, {"compare": "1"}).content.decode()
    assert f"Video 3: added still of record {f.picture.pk}, 1 s (fill)" in compared
    answer = client.post(reverse("timelines:restore", args=[timeline.pk, 1]))
    assert answer.status_code == 303
    assert timeline.revisions.count() == 3
    assert newest(timeline) == timeline.revisions.get(number=1).document
    assert timeline.revisions.get(number=3).restored_from == 1
    missing = client.post(reverse("timelines:restore", args=[timeline.pk, 99]))
    assert missing.status_code == 404


# ---------------------------------------------------------------- queries


def test_the_editor_takes_as_many_queries_for_3_items_as_for_20(
    client, f, alice, django_assert_max_num_queries
):
    client.force_login(alice)
    small = services.create(f.project, by=alice, title="Small")
    services.save(small, cut(f), by=alice, based_on=1)
    many = cut(f)
    many["video"] = many["video"] * 6 + many["video"][:2]  # 20
    many["audio"] = [many["audio"][0] * 3, many["audio"][0] * 2]
    big = services.create(f.project, by=alice, title="Big")
    services.save(big, many, by=alice, based_on=1)
    client.get(edit_url(small))  # warm: sessions, content types
    with django_assert_max_num_queries(16) as few:  # 13 on SQLite
        assert client.get(edit_url(small)).status_code == 200
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(edit_url(big)).status_code == 200


def test_the_editor_draws_the_cut_at_a_glance(client, alice, bob, carol):
    from ensemble.timelines import services
    from ensemble.timelines.tests.helpers import cut, footage

    f = footage(alice, bob, carol)
    timeline = services.create(f.project, by=alice, title="Glance")
    services.save(timeline, cut(f), by=alice, based_on=1)
    client.force_login(alice)
    page = client.get(f"/timelines/{timeline.pk}/").content.decode()
    assert "The cut at a glance" in page
    assert "3 s in all" in page
    assert "<title>Picture 2: The walk, 1 s</title>" in page
    assert "<title>Sound 1.1: The score, 3 s from 0 s</title>" in page


def test_a_preview_of_a_part_is_queued_from_the_editor(client, alice, bob, carol):
    from ensemble.timelines import services
    from ensemble.timelines.models import Render
    from ensemble.timelines.tests.helpers import cut, footage

    f = footage(alice, bob, carol)
    timeline = services.create(f.project, by=alice, title="Glance")
    services.save(timeline, cut(f), by=alice, based_on=1)
    client.force_login(alice)
    url = f"/timelines/{timeline.pk}/render"
    answer = client.post(url, {"quality": "draft", "start": "0.5", "end": "2"})
    assert answer.status_code == 303
    made = Render.objects.get()
    assert (made.window_start, made.window_end, made.quality) == (0.5, 2.0, "draft")
    refused = client.post(url, {"quality": "draft", "start": "x", "end": "2"}, follow=True)
    assert "in seconds" in refused.content.decode()
    client.post(url, {"quality": "draft", "start": "nan", "end": "2"})
    assert Render.objects.count() == 1
    page = client.get(f"/timelines/{timeline.pk}/renders").content.decode()
    assert "Preview of 0.5–2 s" in page
