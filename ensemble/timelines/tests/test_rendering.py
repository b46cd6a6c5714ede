"""Renders through the worker, end to end: drafts to play, final renders that become the
production and set its sources from the cut, failures that name the clip, and a worker
killed half way."""

from __future__ import annotations

import copy
from datetime import timedelta

import av
import pytest
from django.utils import timezone

from ensemble.core.testing import run_tasks
from ensemble.lineage import credits
from ensemble.lineage import services as lineage
from ensemble.lineage.models import Source
from ensemble.records import takedown
from ensemble.records.testing import make_record, served
from ensemble.timelines import rendering, services
from ensemble.timelines.models import Citation, Render
from ensemble.timelines.tests.helpers import cut, footage

pytestmark = pytest.mark.django_db


@pytest.fixture
def f(alice, bob, carol):
    return footage(alice, bob, carol)


@pytest.fixture
def timeline(f, alice):
    made = services.create(f.project, by=alice, title="The walk home")
    services.save(made, cut(f), by=alice, based_on=1)
    return made


def rendered(timeline, who, quality) -> Render:
    made = services.start_render(timeline, by=who, quality=quality)
    run_tasks()
    made.refresh_from_db()
    return made


def test_a_draft_render_plays_for_the_leaders_only(timeline, alice, carol, client, tmp_path):
    made = rendered(timeline, alice, "draft")
    assert made.state == "ready", made.failure_reason
    assert made.progress == 100
    assert made.seconds == pytest.approx(3.0, abs=0.15)
    url = f"/timelines/renders/{made.pk}/file"
    client.force_login(alice)
    answer = served(client, url)
    assert answer.status_code == 200
    assert answer["Content-Type"] == "video/mp4"
    (tmp_path / "draft.mp4").write_bytes(answer.body)
    with av.open(str(tmp_path / "draft.mp4")) as played:
        video = played.streams.video[0]
        assert video.height == 180
        assert played.streams.audio
    client.force_login(carol)
    assert client.get(url).status_code == 404


def test_the_first_final_render_makes_the_production_with_the_cut_as_its_sources(
    timeline, f, alice, bob, carol
):
    made = rendered(timeline, alice, "final")
    assert made.state == "ready", made.failure_reason
    timeline.refresh_from_db()
    production = timeline.production
    record = production.record
    assert production.project == f.project
    assert record.owner == alice
    assert record.title == "The walk home"
    assert record.kind == "video"
    assert made.version.record_id == record.pk
    assert made.version.state == "ready"
    edges = {e.source_id: e for e in Source.objects.filter(derived=record)}
    assert set(edges) == {f.clip.pk, f.picture.pk, f.music.pk}
    clip = edges[f.clip.pk]
    assert clip.kind == "uses"
    assert clip.part == "video 2 0:01–0:02"
    assert (clip.start_seconds, clip.end_seconds) == (0.5, 1.5)
    assert edges[f.picture.pk].start_seconds is None
    assert edges[f.music.pk].part == "audio 1.1 0:00–0:03"
    assert Citation.objects.filter(timeline=timeline).count() == 3
    roll = credits.credit_roll(record.pk, None)
    named = {p.user_id for s in roll.sections for _, _, people in s.groups for p in people}
    assert {alice.pk, bob.pk, carol.pk} <= named


def test_a_new_cut_rerendered_follows_it_and_leaves_hand_citations(timeline, f, alice):
    rendered(timeline, alice, "final")
    timeline.refresh_from_db()
    record = timeline.production.record
    poem = make_record(alice, text="A poem", title="The poem", publish=True)
    lineage.add_source(record, poem, by=alice, note="The words", kind="inspired_by")
    second = copy.deepcopy(services.revision_of(timeline).document)
    del second["video"][2]  # the picture goes
    second["video"][1]["out"] = 2.0
    services.save(timeline, second, by=alice, based_on=2)
    made = rendered(timeline, alice, "final")
    assert made.state == "ready", made.failure_reason
    assert made.version.number == 2
    edges = {e.source_id: e for e in Source.objects.filter(derived=record)}
    assert set(edges) == {f.clip.pk, f.music.pk, poem.pk}
    assert edges[f.clip.pk].end_seconds == 2.0
    assert edges[poem.pk].kind == "inspired_by"  # not the timeline's to remove


def test_a_source_removed_after_it_was_placed_fails_the_render_by_name(timeline, f, alice):
    made = services.start_render(timeline, by=alice, quality="final")
    takedown.take_down(f.clip)
    run_tasks()
    made.refresh_from_db()
    assert made.state == "failed"
    assert made.failure_reason.startswith("video 2: “A removed work” was removed")
    timeline.refresh_from_db()
    assert timeline.production is None
    assert not Source.objects.filter(derived__title="The walk home")


def test_a_render_whose_worker_died_is_rendered_again_from_nothing(timeline, alice):
    made = services.start_render(timeline, by=alice, quality="draft")
    attempt = Render.claim(made.pk, stale_after=timedelta(minutes=5))
    assert attempt == 1  # a worker took it, and died: no heartbeat since
    Render.objects.filter(pk=made.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))
    assert rendering.requeue_stalled() == 1  # the sweeper sees its heartbeat stopped
    run_tasks()
    made.refresh_from_db()
    assert made.state == "ready"
    assert made.attempts == 2


def test_an_audio_only_timeline_renders_an_audio_production(f, alice):
    timeline = services.create(f.project, by=alice, title="The score, cut")
    document = cut(f, video=[])
    services.save(timeline, document, by=alice, based_on=1)
    made = rendered(timeline, alice, "final")
    assert made.state == "ready", made.failure_reason
    timeline.refresh_from_db()
    assert timeline.production.record.kind == "audio"
    assert made.seconds == pytest.approx(3.0, abs=0.1)


def test_a_proposal_can_weigh_the_cuts_sources_by_their_seconds(timeline, f, alice, client):
    from types import SimpleNamespace

    from ensemble.core.refusals import Refused
    from ensemble.payments.services import proposals
    from ensemble.payments.testing import pool_with_revenue, released_production
    from ensemble.projects import productions
    from ensemble.records.services import publish

    rendered(timeline, alice, "final")
    timeline.refresh_from_db()
    production = timeline.production
    publish(production.record, by=alice)
    productions.release(production, by=alice)
    pool = pool_with_revenue(SimpleNamespace(production=production), alice)
    proposal = proposals.make_proposal(pool, by=alice)
    client.force_login(alice)  # the proposal page's "Adjustment" form
    answer = client.post(
        f"/proposals/{proposal.pk}/adjust", {"action": "seconds", "reason": "As cut"}
    )
    assert answer.status_code == 302
    revision = proposals.current(proposal)
    assert revision.reason == "As cut"
    root = production.record_id
    # The music plays 3 s, the clip and the picture 1 s each.
    assert revision.adjustments["weights"] == {
        f"{root}-{f.music.pk}": 1000,
        f"{root}-{f.clip.pk}": 333,
        f"{root}-{f.picture.pk}": 333,
    }
    by_person = {line.user_id: line.amount for line in revision.lines.all()}
    assert by_person[f.music.owner_id] > by_person[f.clip.owner_id]
    story = released_production(alice, f.clip.owner, f.music.owner)  # made elsewhere
    other = proposals.make_proposal(pool_with_revenue(story, alice), by=alice)
    with pytest.raises(Refused) as caught:
        proposals.revise(other, by=alice, changes={"weigh_by_seconds": True})
    assert caught.value.code == "no_timeline"


def test_a_preview_renders_only_the_part_asked_for(timeline, alice, client, tmp_path):
    made = services.start_render(timeline, by=alice, quality="draft", window=(0.5, 2.5))
    run_tasks()
    made.refresh_from_db()
    assert made.state == "ready", made.failure_reason
    assert made.seconds == pytest.approx(2.0, abs=0.15)
    client.force_login(alice)
    (tmp_path / "part.mp4").write_bytes(served(client, f"/timelines/renders/{made.pk}/file").body)
    with av.open(str(tmp_path / "part.mp4")) as played:
        assert float(played.duration / av.time_base) == pytest.approx(2.0, abs=0.2)


@pytest.mark.parametrize(
    ("quality", "window", "words"),
    [
        ("final", (0.0, 1.0), "Only a draft"),
        ("draft", (2.0, 1.0), "its end after its start"),
        ("draft", (-1.0, 1.0), "between 0 and 3 s"),
        ("draft", (5.0, 6.0), "between 0 and 3 s"),
        ("draft", (1.0, 1.2), "at least 0.5 s"),
    ],
)
def test_a_preview_outside_the_timeline_is_refused(timeline, alice, quality, window, words):
    from ensemble.core.refusals import Refused

    with pytest.raises(Refused) as caught:
        services.start_render(timeline, by=alice, quality=quality, window=window)
    assert words in caught.value.message
    assert not Render.objects.exists()


def test_a_draft_reads_a_videos_preview_where_processing_made_one(f, alice, tmp_path):
    from ensemble.records.tests.samples.av import write_video

    mkv = write_video(tmp_path / "walk.mkv", seconds=1.0, codec="mpeg4", container="mkv")
    walk = make_record(alice, data=mkv.read_bytes(), name="walk.mkv", publish=True)
    assert walk.current_version.rendition("preview") is not None  # MPEG-4 part 2: previewed
    path, fmt = rendering.source_file(walk, tmp_path, draft=True)
    assert "preview" in path.name
    assert fmt == "mov"
    path, fmt = rendering.source_file(walk, tmp_path, draft=False)
    assert path.name.endswith(walk.current_version.original_file)
    assert fmt == "matroska"
    path, _ = rendering.source_file(f.clip, tmp_path, draft=True)  # H.264 MP4: played as is
    assert path.name.endswith(f.clip.current_version.original_file)
    timeline = services.create(f.project, by=alice, title="From the preview")
    clip = {"type": "clip", "record": walk.pk, "in": 0, "out": 1}
    services.save(timeline, cut(f, video=[clip], audio=[]), by=alice, based_on=1)
    assert rendered(timeline, alice, "draft").state == "ready"


def test_the_productions_owner_finds_the_cut_from_its_page(timeline, alice, bob, client):
    rendered(timeline, alice, "final")
    timeline.refresh_from_db()
    url = timeline.production.record.get_absolute_url()
    client.force_login(alice)
    assert f'href="/timelines/{timeline.pk}/">Edit the cut</a>' in client.get(url).content.decode()
    from ensemble.records.services import publish

    publish(timeline.production.record, by=alice)
    client.force_login(bob)  # not its owner: the page, without the link
    page = client.get(url)
    assert page.status_code == 200
    assert "Edit the cut" not in page.content.decode()
