"""The timelines' pages without JavaScript: who sees them, saving through the editor's
form (and what a refused or stale save shows) and its buttons. Renders, the history and
the drawing of the cut: test_render_pages.py."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from django.urls import reverse

from ensemble.projects import services as projects
from ensemble.projects.models import Entry
from ensemble.projects.testing import make_call
from ensemble.timelines import document, services
from ensemble.timelines.models import Render, Revision, Timeline
from ensemble.timelines.tests.helpers import cut, footage

pytestmark = pytest.mark.django_db


@pytest.fixture
def f(alice, bob, carol):
    return footage(alice, bob, carol)


@pytest.fixture
def timeline(f, alice):
    made = services.create(f.project, by=alice, title="The walk home")
    services.save(made, cut(f), by=alice, based_on=1, note="First cut")
    return made


class _Form(HTMLParser):
    """The fields of the editor's form (`form#editor`) as a browser would post them,
    without any submit button: a button is added by the test, as a click would."""

    def __init__(self) -> None:
        super().__init__()
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._first: str | None = None
        self._chosen = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = a.get("id") == "editor"
        if not self.inside or ("name" not in a and tag != "option"):
            return
        if tag == "input" and a.get("type") not in ("submit", "button"):
            self.fields.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select, self._first, self._chosen = a["name"], None, False
        elif tag == "option" and self._select:
            if self._first is None:
                self._first = a.get("value", "")
            if "selected" in a and not self._chosen:
                self.fields.append((self._select, a.get("value", "")))
                self._chosen = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self._select:
            if not self._chosen:
                self.fields.append((self._select, self._first or ""))
            self._select = None
        if tag == "form":
            self.inside = False


def form_of(response: Any, **changes: str) -> dict[str, list[str]]:
    """The editor's form as it was served, with some fields changed."""
    parser = _Form()
    parser.feed(response.content.decode())
    data: dict[str, list[str]] = {}
    for name, value in parser.fields:
        data.setdefault(name, []).append(value)
    for name, value in changes.items():
        data[name.replace("__", "-")] = [value]
    return data


def edit_url(timeline: Timeline) -> str:
    return reverse("timelines:edit", args=[timeline.pk])


def newest(timeline: Timeline) -> dict[str, Any]:
    timeline.refresh_from_db()
    return services.revision_of(timeline).document


def post_editor(client, timeline, action: str = "save", **changes: str):
    page = client.get(edit_url(timeline))
    data = form_of(page, **changes)
    data["action"] = [action]
    return client.post(edit_url(timeline), data)


# ---------------------------------------------------------------- who may


def test_the_pages_are_for_the_projects_leaders_only(client, f, timeline, alice, bob, carol):
    urls = [
        reverse("timelines:list", args=[f.project.slug]),
        edit_url(timeline),
        reverse("timelines:history", args=[timeline.pk]),
        reverse("timelines:renders", args=[timeline.pk]),
    ]
    client.force_login(alice)
    for url in urls:
        assert client.get(url).status_code == 200, url
    for outsider in (bob, carol):
        client.force_login(outsider)
        for url in urls:
            assert client.get(url).status_code == 404, url
        assert client.post(edit_url(timeline), {"action": "save"}).status_code == 404
        assert (
            client.post(
                reverse("timelines:render", args=[timeline.pk]), {"quality": "draft"}
            ).status_code
            == 404
        )
        assert client.post(reverse("timelines:restore", args=[timeline.pk, 1])).status_code == 404
    client.logout()
    for url in urls:
        answer = client.get(url)
        assert answer.status_code == 302
        assert answer["Location"].startswith("/accounts/login/")
    assert Revision.objects.filter(timeline=timeline).count() == 2
    assert not Render.objects.exists()


def test_a_leader_added_by_the_owner_edits_too(client, f, timeline, alice, bob):
    projects.add_leader(f.project, by=alice, user=bob)
    client.force_login(bob)
    assert client.get(edit_url(timeline)).status_code == 200


def test_the_project_page_links_its_leaders_to_the_editor(client, f, alice, bob):
    link = reverse("timelines:list", args=[f.project.slug])
    client.force_login(alice)
    assert link in client.get(f.project.get_absolute_url()).content.decode()
    client.force_login(bob)
    assert link not in client.get(f.project.get_absolute_url()).content.decode()


# ---------------------------------------------------------------- the list


def test_starting_a_timeline_opens_its_editor(client, f, alice):
    client.force_login(alice)
    url = reverse("timelines:list", args=[f.project.slug])
    answer = client.post(url, {"title": "The turnip", "licence": "cc-by-4.0"})
    made = Timeline.objects.get(title="The turnip")
    assert answer.status_code == 303
    assert answer["Location"] == edit_url(made)
    assert made.licence == "cc-by-4.0"
    assert made.revision_count == 1
    listed = client.get(url).content.decode()
    assert "The turnip" in listed
    assert "1 revision" in listed
    assert "not rendered yet" in listed


def test_a_timeline_without_a_title_is_not_started(client, f, alice):
    client.force_login(alice)
    answer = client.post(reverse("timelines:list", args=[f.project.slug]), {"title": " "})
    assert answer.status_code == 422
    assert not Timeline.objects.exists()


# ---------------------------------------------------------------- saving


def test_the_editor_shows_the_newest_revision(client, timeline, f, alice):
    client.force_login(alice)
    page = client.get(edit_url(timeline)).content.decode()
    assert "Revision 2" in page
    assert "3 s long" in page
    assert "Clip 2</span>: The walk" in page
    assert "Still 3</span>: The city" in page
    assert "Sound 1.1</span>: The score" in page
    assert reverse("timelines:history", args=[timeline.pk]) in page
    assert 'name="based_on" value="2"' in page


def test_a_save_through_the_form_adds_a_revision(client, timeline, f, alice):
    client.force_login(alice)
    answer = post_editor(client, timeline, v2__in="0.25", v2__out="1.75", note="Longer walk")
    assert answer.status_code == 303
    assert answer["Location"] == edit_url(timeline)
    saved = newest(timeline)
    assert timeline.revision_count == 3
    assert saved["video"][1] == {
        "type": "clip",
        "record": f.clip.pk,
        "in": 0.25,
        "out": 1.75,
        "fit": "fit",
    }
    assert saved["audio"] == cut_normal(f)["audio"]  # untouched parts come back as they were
    assert timeline.revisions.get(number=3).note == "Longer walk"
    assert "Saved: revision 3." in client.get(edit_url(timeline)).content.decode()


def cut_normal(f) -> dict[str, Any]:
    return document.parse(cut(f))


def test_a_refused_save_shows_why_next_to_the_item_and_saves_nothing(client, timeline, alice):
    client.force_login(alice)
    answer = post_editor(client, timeline, v2__out="9")
    assert answer.status_code == 422
    page = answer.content.decode()
    said = "video 2: “The walk” lasts 2 s, so out (9 s) is past its end."
    assert "Not saved." in page
    item = page[page.index('id="item-v2"') : page.index('id="item-v3"')]
    assert said in item  # next to the clip it names
    assert 'value="9.0"' in item  # what was typed stays, to correct
    assert timeline.revisions.count() == 2


def test_a_number_that_is_not_one_is_refused_by_name(client, timeline, alice):
    client.force_login(alice)
    answer = post_editor(client, timeline, **{"a1.1-gain_db": "loud"})
    page = answer.content.decode()
    assert answer.status_code == 422
    assert "audio 1.1: gain must be a number." in page
    assert timeline.revisions.count() == 2


def test_an_output_refusal_is_shown_by_the_output(client, timeline, alice):
    client.force_login(alice)
    answer = post_editor(client, timeline, width="321")
    assert answer.status_code == 422
    assert "output: width and height must be even numbers" in answer.content.decode()
    assert timeline.revisions.count() == 2


def test_a_save_from_a_stale_revision_is_refused_and_saves_nothing(client, timeline, f, alice):
    client.force_login(alice)
    page = client.get(edit_url(timeline))  # revision 2 is open in the editor …
    services.save(timeline, cut(f), by=alice, based_on=2, note="Elsewhere")  # … 3 is saved
    data = form_of(page, v2__out="1.9")
    data["action"] = ["save"]
    answer = client.post(edit_url(timeline), data)
    assert answer.status_code == 409
    assert "Revision 3 was saved meanwhile (you edited revision 2)" in answer.content.decode()
    assert timeline.revisions.count() == 3
    assert newest(timeline)["video"][1]["out"] == 1.5


# ---------------------------------------------------------------- the buttons, without JS


def test_moving_and_removing_items_with_the_buttons(client, timeline, f, alice):
    client.force_login(alice)
    answer = post_editor(client, timeline, "up:v3")
    assert answer.status_code == 303
    assert answer["Location"].endswith("#item-v2")
    assert [i["type"] for i in newest(timeline)["video"]] == ["title", "still", "clip"]
    assert timeline.revisions.get(number=3).note == "Moved video 3 up"
    post_editor(client, timeline, "down:v1")
    assert [i["type"] for i in newest(timeline)["video"]] == ["still", "title", "clip"]
    post_editor(client, timeline, "remove:v2")
    assert [i["type"] for i in newest(timeline)["video"]] == ["still", "clip"]
    post_editor(client, timeline, "remove:a1.1")
    assert newest(timeline)["audio"] == [[]]
    assert timeline.revision_count == 6  # every button is a save


def test_a_button_press_keeps_the_fields_changed_with_it(client, timeline, alice):
    client.force_login(alice)
    post_editor(client, timeline, "up:v3", v2__in="0.1")
    assert newest(timeline)["video"][2]["in"] == 0.1


def test_adding_entries_and_cards_with_the_buttons(client, f, alice, bob, carol):
    client.force_login(alice)
    made = services.create(f.project, by=alice, title="Fresh")
    post_editor(client, made, f"add:{f.clip.pk}")
    post_editor(client, made, f"add:{f.picture.pk}")
    post_editor(client, made, f"add:{f.music.pk}")
    post_editor(client, made, f"add:{f.music.pk}")
    saved = newest(made)
    # Added before the closing credits; a video whole, a picture for 3 s.
    assert [i["type"] for i in saved["video"]] == ["title", "clip", "still", "credits"]
    assert saved["video"][1]["in"] == 0
    assert saved["video"][1]["out"] == pytest.approx(2, abs=0.1)
    assert saved["video"][2]["seconds"] == 3
    # Sound goes on track 1, one after another.
    first, second = saved["audio"][0]
    assert first["at"] == 0
    assert second["at"] == pytest.approx(first["out"], abs=0.01)
    assert made.revisions.get(number=2).note == "Added “The walk”"
    post_editor(client, made, "add-title")
    post_editor(client, made, "add-track")
    post_editor(client, made, "add-credits")
    saved = newest(made)
    assert [i["type"] for i in saved["video"]][-3:] == ["title", "credits", "credits"]
    assert len(saved["audio"]) == 2
    post_editor(client, made, "remove-track:2")
    assert len(newest(made)["audio"]) == 1


def test_any_public_record_is_added_by_its_address(client, f, timeline, alice):
    client.force_login(alice)
    post_editor(client, timeline, "add-ref", ref=f"http://testserver/records/{f.picture.pk}")
    assert [i["type"] for i in newest(timeline)["video"]][-1] == "still"


def test_a_record_that_cannot_be_added_is_said_by_the_field(client, f, timeline, alice, bob):
    from ensemble.lineage.testing import bare_record

    draft = bare_record(bob, kind="video", title="Bob's secret", public=False)
    client.force_login(alice)
    for ref in (str(draft.pk), "999999", ""):
        answer = post_editor(client, timeline, "add-ref", ref=ref)
        page = answer.content.decode()
        assert answer.status_code == 422
        assert 'id="add-ref-error"' in page
        assert "Bob's secret" not in page
    assert timeline.revisions.count() == 2


def test_the_picker_lists_the_selected_entries_with_thumbnails(client, f, timeline, alice, bob):
    call = make_call(f.project)
    entry = projects.submit_entry(call, by=bob, record=f.picture)
    projects.decide([entry], by=alice, state=Entry.State.SELECTED)
    declined = projects.submit_entry(call, by=bob, record=f.clip)
    projects.decide([declined], by=alice, state=Entry.State.DECLINED)
    client.force_login(alice)
    page = client.get(edit_url(timeline)).content.decode()
    picker = page[page.index('id="picker-title"') : page.index('id="add-ref"')]
    assert f'value="add:{f.picture.pk}"' in picker
    assert "as a still" in picker
    assert f'value="add:{f.clip.pk}"' not in picker
    assert "/media/" in picker or "<img" in picker


# ---------------------------------------------------------------- renders
