"""After the release: people keep remixing the film, and the community around it is
alive (hearts, comments with mentions, follows, a curated list)."""

from __future__ import annotations

from datetime import timedelta

from ensemble.community.services import comments, follows, hearts, lists, trending
from ensemble.demo import media
from ensemble.demo.cast import Cast
from ensemble.demo.story.clock import Clock
from ensemble.demo.story.making import cite, make
from ensemble.demo.story.works import Works
from ensemble.projects import services as projects
from ensemble.projects.models import Call
from ensemble.records.models import Record

REPLY = """I hear you, Aldous. I'd be a turnip too,
if the town would only let me be
exactly who I ought to be."""


def follows_along(cast: Cast, clock: Clock, works: Works) -> None:
    """Who follows whom, from early on: the crowd follows the producer, the writer and
    the project; the demo accounts follow each other."""
    assert works.project is not None
    with clock.chapter(days_ago=120):
        leads = [cast[name] for name in ("hana", "wren", "milo", "ines")]
        for person in leads:
            for other in leads:
                if other != person:
                    follows.follow_person(person, other)
        for n, person in enumerate(cast.crowd):
            follows.follow_person(person, cast["hana"] if n % 2 else cast["wren"])
            if n % 3 == 0:
                follows.follow_project(person, works.project)
        follows.follow_project(cast["wren"], works.project)
        follows.follow_project(cast["ines"], works.project)


def remixes(cast: Cast, clock: Clock, works: Works, film: Record) -> list[Record]:
    """Nothing is final: a poster, a cover of the score and a poem answering the film."""
    crowd = cast.crowd
    made = []
    with clock.chapter(days_ago=2):
        poster = make(
            crowd[130],
            "Turnip Head: a poster",
            data=media.background("character", 40),
            filename="poster.png",
            tags=["poster", "turnip"],
        )
        cite(poster, film, "A still from the film, redrawn as a poster.")
        made.append(poster)
        cover = make(
            cast["milo"],
            "Minuet for a turnip, for string trio",
            data=media.part("violin", seconds=9.0),
            filename="trio.m4a",
            tags=["music", "cover"],
        )
        cite(cover, film, "The film's music, arranged again.")
        if works.score is not None:
            cite(cover, works.score, "The minuet itself.")
        made.append(cover)
    with clock.chapter(days_ago=1):
        reply = make(
            crowd[131],
            "The turnip's reply",
            text=REPLY,
            tags=["poem"],
            description="A short poem answering the film.",
        )
        cite(reply, film, "Written after watching the film.", inspired=True)
        made.append(reply)
    return made


def a_new_call(cast: Cast, clock: Clock, works: Works) -> None:
    """Hana's next project is taking entries now, so a visitor can try a call."""
    hana, crowd = cast["hana"], cast.crowd
    with clock.chapter(days_ago=3):
        sequel = projects.create_project(
            hana,
            title="Mrs Gore Raises Her Eyebrows",
            description="A second short film from the poem's world: the neighbour's story.",
            stages=["Character", "Animation", "Score", "Edit"],
        )
        projects.set_status(sequel, by=hana, status="open")
        if works.poem is not None:
            projects.add_resource(sequel, by=hana, record=works.poem)
        call = projects.create_call(
            sequel,
            by=hana,
            title="Design Mrs Gore",
            brief="She raises her eyebrows, nothing more. Draw her: hat, coat and eyebrows.",
            deadline=clock.now + timedelta(days=21),
            accepted_kinds=["image"],
            skills=["illustration", "design"],
            stage=sequel.stages.get(position=0),
        )
        for n, person in enumerate(crowd[152:155]):
            sketch = make(
                person,
                f"Mrs Gore, sketch {n + 1}",
                data=media.background("character", 60 + n),
                filename=f"gore-{n}.png",
                tags=["character"],
            )
            projects.submit_entry(call, by=person, record=sketch)
        follows.follow_project(cast["ines"], sequel)
    # Open for three weeks from its day in the story: 18 more days from now.
    Call.objects.filter(pk=call.pk).update(deadline=clock.days_ago(3) + timedelta(days=21))


def attention(cast: Cast, clock: Clock, works: Works, film: Record, later: list[Record]) -> None:
    """Hearts, comments and a list, over the last days, so trending has something."""
    crowd = cast.crowd
    with clock.chapter(days_ago=1.5):
        loved = [
            (film, 60),
            (works.poem, 25),
            (works.character, 30),
            (later[0], 12),
            (later[1], 8),
            (works.score, 15),
        ]
        for record, count in loved:
            if record is None:
                continue
            for person in crowd[:count]:
                if person.pk != record.owner_id:
                    hearts.heart(person, record)
        for person in (cast["wren"], cast["ines"], cast["milo"]):
            hearts.heart(person, film)
        first = comments.add(
            cast["wren"],
            film,
            (
                "I wrote him in an afternoon and a hundred people gave him a walk, a town and a "
                "tune. Thank you, @hana, @tomas and @yuki."
            ),
        )
        comments.add(cast["hana"], film, "Thank *you* for the poem, Wren.", reply_to=first)
        comments.add(
            cast["ines"],
            film,
            ("The umbrella at 0:09 is mine! @milo the minuet is stuck in my head."),
        )
        if works.character is not None:
            comments.add(
                cast["ines"],
                works.character,
                ("Those leaves are perfect. Congratulations, @tomas."),
            )
        if works.project is not None:
            comments.add(
                crowd[132], works.project, ("Will there be a second film? I would draw Mrs Gore.")
            )
    with clock.chapter(days_ago=0.5):
        favourites = lists.create(
            cast["ines"],
            title="Turnip heads I loved",
            description="From the 145 entries to the character call.",
        )
        for record in works.shortlist[2:8]:
            lists.add(
                favourites,
                by=cast["ines"],
                record=record,
                note=f"{record.owner.name}: look at the buttons.",
            )
        trending.recompute()
