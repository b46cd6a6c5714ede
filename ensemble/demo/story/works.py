"""The work, chapter by chapter, as DESIGN.md tells it: a poem, a reading, a project,
its calls and what came in, and the choices the leaders made.

Every step goes through the services a member's click would run, so the demo shows
what the platform does, and breaks (with the refusal named) if a rule changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db.models import F

from ensemble.accounts.models import User
from ensemble.demo import media
from ensemble.demo.cast import Cast
from ensemble.demo.story.clock import Clock
from ensemble.demo.story.making import cite, make
from ensemble.projects import services as projects
from ensemble.projects.models import Call, Entry, Project, Stage
from ensemble.records.models import Record

CHARACTER_ENTRIES = 145
READINGS = 20
STAGES = ["Poem", "Character", "Animation", "Backgrounds", "Score", "Edit"]


@dataclass
class Works:
    """What later chapters build on."""

    poem: Record | None = None
    readings: list[Record] = field(default_factory=list)
    project: Project | None = None
    character: Record | None = None  # the selected design
    shortlist: list[Record] = field(default_factory=list)
    backgrounds: list[Record] = field(default_factory=list)  # selected
    score: Record | None = None
    parts: list[Record] = field(default_factory=list)
    score_audio: bytes = b""


def _stage(works: Works, name: str) -> Stage:
    assert works.project is not None
    return works.project.stages.get(position=STAGES.index(name))


def _done(works: Works, by: User, name: str) -> None:
    assert works.project is not None
    projects.set_stage_state(works.project, by=by, position=STAGES.index(name), state="done")


def _close_by(call: Call, clock: Clock, *, days_ago: float) -> None:
    """The call's deadline in the story. It was posted with one in the real future (the
    entries had to come in before it); its chapter over, it gets its story date."""
    Call.objects.filter(pk=call.pk).update(deadline=clock.days_ago(days_ago))


def _spread(records: list[Record], start: timedelta, step: timedelta) -> None:
    """Date a crowd's records apart (one after another, `step` between them) instead of
    all in the same second (run after their chapter); their entries move with them."""
    for n, record in enumerate(records):
        shift = start + step * n
        Record.objects.filter(pk=record.pk).update(
            created_at=F("created_at") + shift, published_at=F("published_at") + shift
        )
        Entry.objects.filter(record=record).update(created_at=F("created_at") + shift)


def the_poem(cast: Cast, clock: Clock, works: Works) -> None:
    with clock.chapter(days_ago=150):
        title, body = media.poem()
        about = "A narrative poem, to be read aloud. Remix it freely."
        works.poem = make(
            cast["wren"], title, text=body, tags=["poem", "turnip"], description=about
        )


def the_reading(cast: Cast, clock: Clock, works: Works) -> None:
    """At a live show an actor reads the poem; twenty people in the audience film it."""
    assert works.poem is not None
    with clock.chapter(days_ago=140):
        for n, person in enumerate(cast.crowd[:READINGS]):
            video = make(
                person,
                f"The reading, from row {n // 4 + 1}",
                data=media.reading_video(n),
                filename=f"reading-{n}.mp4",
                tags=["reading", "live"],
                description="Filmed on my phone at the Lantern Room reading.",
            )
            cite(video, works.poem, "The poem, read aloud by the actor on stage.")
            works.readings.append(video)
    _spread(works.readings, timedelta(0), timedelta(minutes=3))


def the_project(cast: Cast, clock: Clock, works: Works) -> None:
    assert works.poem is not None
    hana = cast["hana"]
    with clock.chapter(days_ago=132):
        project = projects.create_project(
            hana,
            title="The Man With a Turnip for a Head",
            description=(
                "A short animated film of Wren Castellanos's poem, made by everyone "
                "who wants to take part: the character, the backgrounds, the "
                "animation and the music come from open calls."
            ),
            stages=STAGES,
        )
        projects.set_status(project, by=hana, status="open")
        projects.add_resource(project, by=hana, record=works.poem)
        projects.add_resource(project, by=hana, record=works.readings[3])
        projects.set_stage_state(project, by=hana, position=STAGES.index("Poem"), state="done")
        projects.post_update(
            project,
            by=hana,
            body=(
                "We are making a film of **The Man With a Turnip for a Head**. The first call, "
                "for the main character, opens tomorrow. The poem and the best recording of "
                "the reading are the project's resources."
            ),
        )
        works.project = project


def the_character_call(cast: Cast, clock: Clock, works: Works) -> None:
    """145 drawings of the character, a shortlist of twelve, one selected."""
    assert works.project is not None
    assert works.poem is not None
    hana = cast["hana"]
    with clock.chapter(days_ago=128):
        call = projects.create_call(
            works.project,
            by=hana,
            title="Design the main character",
            brief=(
                "Prim, proper, buttoned-up, **except his head is a turnip**. Read the poem "
                "first. Any style; one character per entry, at most two entries each."
            ),
            deadline=clock.now + timedelta(days=14),
            accepted_kinds=["image"],
            skills=["illustration", "design"],
            resources=[works.poem],
            requires_resources=True,
            max_entries_per_person=2,
            stage=_stage(works, "Character"),
        )
        artists = [cast["tomas"], cast["ines"], *cast.crowd[READINGS : READINGS + 110]]
        named = {
            cast["tomas"].pk: ("Aldous, buttoned up", "Aldous, from the side"),
            cast["ines"].pk: ("Mr Pell in his Sunday hat", "Mr Pell in the rain"),
        }
        drawings = []
        for n in range(CHARACTER_ENTRIES):
            artist, take = artists[n % len(artists)], n // len(artists)
            title = named[artist.pk][take] if artist.pk in named else f"Mr Pell, take {take + 1}"
            drawing = make(
                artist,
                title,
                data=media.turnip_character(n),
                filename=f"character-{n}.png",
                tags=["character", "turnip"],
            )
            cite(drawing, works.poem, "Drawn from the poem's second and third verses.")
            projects.submit_entry(call, by=artist, record=drawing)
            drawings.append(drawing)
    _spread(drawings, timedelta(0), timedelta(hours=2))
    _close_by(call, clock, days_ago=114)
    with clock.chapter(days_ago=110):
        entries = {e.record_id: e for e in Entry.objects.filter(call=call)}
        shortlisted = [entries[d.pk] for d in drawings[:12]]
        projects.decide(
            shortlisted,
            by=hana,
            state="shortlisted",
            note="On the shortlist: thank you, this one made us smile.",
        )
        for entry in shortlisted:
            projects.score(entry, by=hana, value=5 if entry.record_id == drawings[0].pk else 4)
    with clock.chapter(days_ago=107):
        projects.decide(
            [entries[drawings[0].pk]],
            by=hana,
            state="selected",
            note="Selected: the straightest back and the proudest leaves.",
        )
        projects.set_call_status(call, by=hana, status="closed")
        projects.set_call_status(call, by=hana, status="resolved")
        _done(works, hana, "Character")
        projects.post_update(
            works.project,
            by=hana,
            body=(
                "145 drawings came in. Twelve made the shortlist and Tomás Ferreira's Aldous is "
                "our man. Thank you all: every entrant is thanked in the credits."
            ),
        )
        works.character = drawings[0]
        works.shortlist = drawings[:12]


def _call(works: Works, clock: Clock, hana: User, **fields: Any) -> Call:
    assert works.project is not None
    deadline = clock.now + timedelta(days=14)
    return projects.create_call(works.project, by=hana, deadline=deadline, **fields)


def _select(call: Call, by: User, records: list[Record], note: str) -> None:
    chosen = list(Entry.objects.filter(call=call, record__in=records))
    projects.decide(chosen, by=by, state="selected", note=note)
    projects.set_call_status(call, by=by, status="closed")
    projects.set_call_status(call, by=by, status="resolved")


def the_animation_and_backgrounds(cast: Cast, clock: Clock, works: Works) -> None:
    """Animation tests of the chosen character; props, cityscapes and characters."""
    assert works.project is not None
    assert works.character is not None
    hana, crowd = cast["hana"], cast.crowd
    with clock.chapter(days_ago=100):
        projects.add_leader(works.project, by=hana, user=cast["yuki"])
        animation = _call(
            works,
            clock,
            hana,
            title="Animation tests: make him walk",
            brief="A few seconds of Aldous moving: walking to work, raising his hat.",
            accepted_kinds=["video"],
            skills=["animation"],
            resources=[works.character],
            requires_resources=True,
            stage=_stage(works, "Animation"),
        )
        tests = []
        for n, person in enumerate([cast["yuki"], *crowd[140:143]]):
            test = make(
                person,
                f"Walk test {n + 1}" if n else "Aldous walks to work",
                data=media.animation_test(n),
                filename=f"animation-{n}.mp4",
                tags=["animation", "test"],
            )
            cite(test, works.character, "The selected character design, animated.")
            projects.submit_entry(animation, by=person, record=test)
            tests.append(test)
        backgrounds = _call(
            works,
            clock,
            hana,
            title="Background elements",
            brief="Props (a bowler hat, an umbrella, a teacup), the town's rooftops, and the "
            "people Aldous meets on his way to work.",
            accepted_kinds=["image"],
            skills=["illustration", "design"],
            max_entries_per_person=3,
            stage=_stage(works, "Backgrounds"),
        )
        pieces = []
        artists = [cast["ines"], *crowd[143:150]]
        for n in range(12):
            kind = media.BACKGROUND_KINDS[n % 3]
            person = artists[n % len(artists)]
            piece = make(
                person,
                f"{kind.capitalize()} for the walk, no. {n // 3 + 1}",
                data=media.background(kind, n),
                filename=f"{kind}-{n}.png",
                tags=["background", kind],
            )
            projects.submit_entry(backgrounds, by=person, record=piece)
            pieces.append(piece)
    _close_by(animation, clock, days_ago=88)
    _close_by(backgrounds, clock, days_ago=88)
    with clock.chapter(days_ago=86):
        _select(animation, hana, tests[:1], "Selected: Yuki animates the film from here.")
        works.backgrounds = pieces[:6]
        _select(backgrounds, hana, pieces[:6], "Selected for the film's street scenes.")
        _done(works, hana, "Animation")
        _done(works, hana, "Backgrounds")


def the_music(cast: Cast, clock: Clock, works: Works) -> None:
    """A score that follows the reading; then piano, violin and clarinet on top of it."""
    assert works.project is not None
    hana, crowd = cast["hana"], cast.crowd
    reading = works.readings[3]
    with clock.chapter(days_ago=80):
        score_call = _call(
            works,
            clock,
            hana,
            title="A score that follows the reading",
            brief="Music under the reading: its pauses, its walk, its turn in the wind.",
            accepted_kinds=["audio"],
            skills=["music"],
            resources=[reading],
            requires_resources=True,
            stage=_stage(works, "Score"),
        )
        works.score_audio = media.score()
        offers = [
            (cast["milo"], "Minuet for a turnip", works.score_audio),
            (crowd[150], "Rooty march", media.part("clarinet", seconds=6.0)),
            (crowd[151], "Wind on Number Nine", media.part("violin", seconds=7.0)),
        ]
        scores = []
        for n, (person, title, audio) in enumerate(offers):
            score = make(
                person, title, data=audio, filename=f"score-{n}.m4a", tags=["score", "music"]
            )
            cite(score, reading, "Timed to the actor's reading.", part="the whole reading")
            projects.submit_entry(score_call, by=person, record=score)
            scores.append(score)
    _close_by(score_call, clock, days_ago=74)
    with clock.chapter(days_ago=72):
        _select(score_call, hana, scores[:1], "Selected: it walks at Aldous's pace.")
        works.score = scores[0]
        parts_call = _call(
            works,
            clock,
            hana,
            title="Play a part on the score",
            brief="Record piano, violin or clarinet over Milo's minuet.",
            accepted_kinds=["audio"],
            skills=["music"],
            resources=[scores[0]],
            requires_resources=True,
            stage=_stage(works, "Score"),
        )
        players = (("piano", cast["ada"]), ("violin", cast["sol"]), ("clarinet", cast["kit"]))
        for instrument, person in players:
            part = make(
                person,
                f"Minuet for a turnip: {instrument}",
                data=media.part(instrument),
                filename=f"{instrument}.m4a",
                tags=["music", instrument],
            )
            cite(part, scores[0], f"Played over the score; the {instrument} part.")
            projects.submit_entry(parts_call, by=person, record=part)
            works.parts.append(part)
    _close_by(parts_call, clock, days_ago=66)
    with clock.chapter(days_ago=64):
        _select(parts_call, hana, works.parts, "All three parts are in the final mix.")
        _done(works, hana, "Score")
