"""Making a timeline, saving revisions, restoring and comparing them: who may, and every
document or record that is refused, with nothing saved."""

from __future__ import annotations

import copy

import pytest

from ensemble.accounts import blocks
from ensemble.core.refusals import Refused
from ensemble.projects import services as projects
from ensemble.records import takedown
from ensemble.records.models import Licence
from ensemble.records.testing import make_record
from ensemble.timelines import services
from ensemble.timelines.models import Revision
from ensemble.timelines.tests.helpers import cut, footage

pytestmark = pytest.mark.django_db


@pytest.fixture
def f(alice, bob, carol):
    return footage(alice, bob, carol)


@pytest.fixture
def timeline(f, alice):
    return services.create(f.project, by=alice, title="The walk home")


def refused(timeline, document, who, **kw) -> Refused:
    before = Revision.objects.count()
    with pytest.raises(Refused) as caught:
        services.save(timeline, document, by=who, based_on=timeline.revision_count, **kw)
    assert Revision.objects.count() == before  # nothing saved
    return caught.value


def test_a_new_timeline_starts_with_a_title_card_and_the_credits(timeline):
    first = services.revision_of(timeline)
    assert first.number == 1
    assert [item["type"] for item in first.document["video"]] == ["title", "credits"]
    assert first.document["video"][0]["title"] == "The walk home"


def test_only_the_projects_leaders_edit_its_timelines(f, timeline, bob, carol):
    for outsider in (bob, carol):
        with pytest.raises(Refused) as caught:
            services.save(timeline, cut(f), by=outsider, based_on=1)
        assert caught.value.status == 403
        with pytest.raises(Refused):
            services.create(f.project, by=outsider, title="Mine")
    projects.add_leader(f.project, by=f.project.owner, user=bob)
    assert services.save(timeline, cut(f), by=bob, based_on=1).number == 2


def test_a_save_keeps_the_document_in_its_normal_form(f, timeline, alice):
    revision = services.save(timeline, cut(f), by=alice, based_on=1, note="First cut")
    assert revision.number == 2
    assert revision.note == "First cut"
    clip = revision.document["video"][1]
    assert clip == {"type": "clip", "record": f.clip.pk, "in": 0.5, "out": 1.5, "fit": "fit"}
    sound = revision.document["audio"][0][0]
    assert sound["gain_db"] == 0.0
    assert sound["fade_in"] == 0.0
    assert sound["fade_out"] == 0.5


def test_a_save_made_from_an_older_revision_is_refused_and_names_the_newest(f, timeline, alice):
    services.save(timeline, cut(f), by=alice, based_on=1)
    with pytest.raises(Refused) as caught:
        services.save(
            timeline, cut(f, output={"width": 640, "height": 360, "fps": 25}), by=alice, based_on=1
        )
    assert caught.value.status == 409
    assert caught.value.code == "stale_revision"
    assert "Revision 2 was saved meanwhile" in caught.value.message
    assert timeline.revisions.count() == 2


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"video": "clips"}, "video is a list"),
        ({"audio": [[]] * 9}, "at most 8 audio tracks"),
        ({"output": {"width": 321, "height": 180, "fps": 10}}, "even numbers"),
        ({"output": {"width": 3840, "height": 2160, "fps": 10}}, "at most 1920×1080"),
        ({"output": {"width": 320, "height": 180, "fps": 0}}, "fps is between 1 and 60"),
        ({"output": {"width": 320, "height": 180, "fps": 24.5}}, "whole number"),
        ({"video": [{"type": "clip", "record": 1, "in": 2, "out": 1}]}, "must come at least"),
        ({"video": [{"type": "clip", "record": 1, "in": 1, "out": 1}]}, "must come at least"),
        ({"video": [{"type": "clip", "record": 1, "in": -1, "out": 1}]}, "cannot be negative"),
        ({"video": [{"type": "clip", "record": 1, "in": "0", "out": 1}]}, "must be a number"),
        ({"video": [{"type": "clip", "record": 1, "in": float("nan"), "out": 1}]}, "number"),
        ({"video": [{"type": "clip", "record": 1, "in": 0}]}, "give in and out"),
        ({"video": [{"type": "clip", "record": True, "in": 0, "out": 1}]}, "number of a record"),
        ({"video": [{"type": "clip", "record": 1, "in": 0, "out": 1, "fit": "zoom"}]}, "fit is"),
        ({"video": [{"type": "still", "record": 1, "seconds": 0}]}, "lasts between"),
        ({"video": [{"type": "still", "record": 1, "seconds": 601}]}, "lasts between"),
        ({"video": [{"type": "sparkles", "seconds": 1}]}, "the type is"),
        ({"video": [{"type": "title", "title": "  ", "seconds": 1}]}, "needs a title"),
        ({"video": [{"type": "title", "title": "x" * 201, "seconds": 1}]}, "at most 200"),
        ({"video": [{"type": "credits", "seconds": 5, "style": "spin"}]}, "scroll or come"),
        ({"video": [{"type": "title", "title": "t", "seconds": 1, "font": "x"}]}, "unknown field"),
        ({"audio": [[{"record": 1, "in": 0, "out": 2, "gain_db": 40}]]}, "the gain is"),
        ({"audio": [[{"record": 1, "in": 0, "out": 2, "fade_in": 2, "fade_out": 1}]]}, "fades"),
        ({"audio": [[{"record": 1, "in": 0, "out": 2, "at": -1}]]}, "placed between"),
        ({"video": [{"type": "still", "record": 1, "seconds": 600}] * 19}, "at most 3 hours"),
    ],
)
def test_a_broken_document_is_refused_with_the_reason(f, timeline, alice, change, words):
    error = refused(timeline, cut(f, **change), alice)
    assert words in error.message


def test_ten_thousand_clips_are_refused_before_any_is_looked_at(f, timeline, alice):
    clip = {"type": "clip", "record": f.clip.pk, "in": 0, "out": 1}
    error = refused(timeline, cut(f, video=[clip] * 10_000, audio=[]), alice)
    assert error.code == "too_many_items"
    assert "10,000" in error.message


def test_a_document_that_is_not_an_object_is_refused(timeline, alice):
    for raw in ([], "timeline", None, {"video": [], "extra": 1}):
        refused(timeline, raw, alice)


def test_records_the_leader_may_not_use_are_refused_by_name(f, timeline, alice, bob, carol):
    draft = make_record(bob, title="Bob's sketch")
    error = refused(
        timeline, cut(f, video=[{"type": "still", "record": draft.pk, "seconds": 1}]), alice
    )
    assert error.status == 404
    assert "there is no record" in error.message
    mine = make_record(alice, title="My sketch")
    error = refused(
        timeline, cut(f, video=[{"type": "still", "record": mine.pk, "seconds": 1}]), alice
    )
    assert "“My sketch” is a draft" in error.message
    error = refused(
        timeline, cut(f, video=[{"type": "still", "record": 999_999, "seconds": 1}]), alice
    )
    assert error.status == 404


def test_a_removed_record_is_refused(f, timeline, alice):
    takedown.take_down(f.picture)
    error = refused(timeline, cut(f), alice)
    assert error.code == "gone"
    assert error.message.startswith("video 3:")


def test_a_block_either_way_refuses_the_record(f, timeline, alice, carol):
    blocks.block(carol, alice)
    error = refused(timeline, cut(f), alice)
    assert error.code == "blocked"
    assert "audio 1.1" in error.message


def test_the_wrong_kind_is_refused(f, timeline, alice):
    swapped = cut(f, video=[{"type": "clip", "record": f.picture.pk, "in": 0, "out": 1}])
    error = refused(timeline, swapped, alice)
    assert error.code == "wrong_kind"
    assert "a clip is a video" in error.message


def test_in_and_out_past_the_end_of_the_media_are_refused(f, timeline, alice):
    long = cut(f, video=[{"type": "clip", "record": f.clip.pk, "in": 1, "out": 9}])
    error = refused(timeline, long, alice)
    assert error.code == "out_of_range"
    assert "lasts 2 s" in error.message


def test_a_licence_that_forbids_use_is_refused_with_citings_reason(alice, bob, carol):
    f = footage(alice, bob, carol, music=Licence.CC_BY_ND)
    timeline = services.create(f.project, by=alice, title="The walk home")
    error = refused(timeline, cut(f), alice)
    assert error.code == "licence_conflict"
    assert error.message.startswith("audio 1.1: ")
    assert "may not be used in other works" in error.message


def test_share_alike_needs_the_productions_licence_to_match(alice, bob, carol):
    f = footage(alice, bob, carol, clip=Licence.CC_BY_SA)
    accord = services.create(f.project, by=alice, title="Accord")
    assert refused(accord, cut(f), alice).code == "licence_conflict"
    alike = services.create(f.project, by=alice, title="Alike", licence=Licence.CC_BY_SA)
    assert services.save(alike, cut(f), by=alice, based_on=1).number == 2


def test_restoring_saves_the_old_revision_again_as_the_newest(f, timeline, alice):
    services.save(timeline, cut(f), by=alice, based_on=1)
    restored = services.restore(timeline, 1, by=alice)
    assert restored.number == 3
    assert restored.restored_from == 1
    assert restored.document == services.revision_of(timeline, 1).document
    with pytest.raises(Refused) as caught:
        services.restore(timeline, 7, by=alice)
    assert caught.value.status == 404


def test_comparing_revisions_says_what_changed_in_words(f, timeline, alice):
    first = services.save(timeline, cut(f), by=alice, based_on=1)
    changed = copy.deepcopy(first.document)
    changed["video"][1]["out"] = 1.8
    del changed["video"][2]
    changed["audio"][0][0]["gain_db"] = -6
    second = services.save(timeline, changed, by=alice, based_on=2)
    lines = services.compare(first, second)
    assert (
        f"Video 2: clip of record {f.clip.pk}, 0.5–1.5 s (fit) → clip of record "
        f"{f.clip.pk}, 0.5–1.8 s (fit)" in lines
    )
    assert any(line.startswith("Video 3: removed still") for line in lines)
    assert any("Audio 1.1:" in line and "-6 dB" in line for line in lines)
    assert services.compare(first, first) == []


def test_a_render_of_nothing_is_refused(f, timeline, alice):
    services.save(timeline, {"video": [], "audio": []}, by=alice, based_on=1)
    with pytest.raises(Refused) as caught:
        services.start_render(timeline, by=alice, quality="draft")
    assert caught.value.code == "empty"


def test_a_render_rechecks_the_records_placed(f, timeline, alice):
    services.save(timeline, cut(f), by=alice, based_on=1)
    takedown.take_down(f.clip)
    with pytest.raises(Refused) as caught:
        services.start_render(timeline, by=alice, quality="final")
    assert caught.value.code == "gone"
    assert "video 2" in caught.value.message


def test_only_one_final_render_at_a_time(f, timeline, alice):
    services.save(timeline, cut(f), by=alice, based_on=1)
    services.start_render(timeline, by=alice, quality="final")
    with pytest.raises(Refused) as caught:
        services.start_render(timeline, by=alice, quality="final")
    assert caught.value.code == "render_running"
    assert services.start_render(timeline, by=alice, quality="draft").quality == "draft"
