"""The final piece and the film: assembled from the selected work, released with its
credits; then the money it earned, shared from its lineage in the open."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from ensemble.accounts.models import User
from ensemble.community.services import comments
from ensemble.demo import media
from ensemble.demo.cast import Cast
from ensemble.demo.story.clock import Clock
from ensemble.demo.story.making import DemoError, cite, make
from ensemble.demo.story.works import STAGES, Works
from ensemble.payments.models import Pool, Proposal
from ensemble.payments.services import ledger, pools, proposals
from ensemble.projects import productions
from ensemble.projects import services as projects
from ensemble.projects.models import Production
from ensemble.records import processing
from ensemble.records import services as records_services
from ensemble.records.models import Record
from ensemble.timelines import rendering
from ensemble.timelines import services as timelines

EUR = "EUR"


def the_film(cast: Cast, clock: Clock, works: Works) -> tuple[Production, Record]:
    """Yuki animates the final piece; Hana edits the film from everything selected."""
    assert works.project is not None
    assert works.character is not None
    assert works.poem is not None
    hana, yuki = cast["hana"], cast["yuki"]
    with clock.chapter(days_ago=50):
        final = make(
            yuki,
            "Aldous walks to work: the final animation",
            data=media.animation_test(0, seconds=4.0),
            filename="final.mp4",
            tags=["animation"],
            description="Animated from the selected design and backgrounds.",
        )
        cite(final, works.character, "The character, as selected.")
        for piece in works.backgrounds[:3]:
            cite(final, piece, "Behind Aldous on his walk.")
    with clock.chapter(days_ago=40):
        film = _cut_the_film(hana, works, final)
        production = Production.objects.get(record=film)
        cite(film, works.poem, "The poem the film tells.", inspired=True)
        edit = STAGES.index("Edit")
        projects.set_stage_state(works.project, by=hana, position=edit, state="done")
    with clock.chapter(days_ago=35):
        productions.release(production, by=hana)
        projects.post_update(
            works.project,
            by=hana,
            body=(
                "**The film is out.** Thank you to everyone who drew, filmed, animated and "
                "played: the credits name every one of you, and the money it earns is shared "
                "from its lineage, in the open."
            ),
        )
    return production, film


def the_money(cast: Cast, clock: Clock, production: Production) -> None:
    """Revenue and costs; a proposal from the lineage, one waiver, comments, then final
    and paid out."""
    hana = cast["hana"]
    with clock.chapter(days_ago=30):
        pool = pools.create_pool(
            production, by=hana, kind=Pool.Kind.PROFIT_SHARE, currency=EUR, share_bp=5_000
        )
        for kind, amount, days, what in (
            ("revenue", 180_000, 33, "Festival screening fees"),
            ("revenue", 452_000, 31, "Streaming licence, first year"),
            ("cost", 32_000, 34, "Festival submissions"),
            ("cost", 18_050, 32, "Subtitles in four languages"),
        ):
            pools.record_entry(
                pool,
                by=hana,
                kind=kind,
                amount=amount,
                currency=EUR,
                on=(clock.days_ago(days)).date(),
                description=what,
            )
    with clock.chapter(days_ago=24):
        proposal = proposals.make_proposal(pool, by=hana)
        proposals.revise(
            proposal,
            by=hana,
            reason="Sol waives her share.",
            changes={
                "waivers": [
                    {
                        "user": "sol",
                        "reason": "I played as a favour to Milo; my share "
                        "goes to everyone else in the film.",
                    }
                ]
            },
        )
        proposals.publish(proposal, by=hana)
    # Open for comments in the real present while the next chapter writes them, whatever
    # PAYMENT_COMMENT_SECONDS says; closed on its story date (14 days) before finalizing.
    window = Proposal.objects.filter(pk=proposal.pk)
    window.update(window_closes_at=timezone.now() + timedelta(hours=1))
    proposal.refresh_from_db()
    with clock.chapter(days_ago=22):
        asked = comments.add(cast["ines"], proposal, "Are shortlisted drawings paid too? @hana")
        comments.add(
            hana,
            proposal,
            reply_to=asked,
            body=(
                "Only work in the film's lineage is paid; the shortlist and every entrant are "
                "thanked in the credits. Your background props are in it, so you are paid for "
                "those."
            ),
        )
        comments.add(
            cast["milo"],
            proposal,
            "Clear and fair. @ada @sol @kit: our parts are listed under the score.",
        )
    window.update(window_closes_at=clock.days_ago(24) + timedelta(days=14))
    with clock.chapter(days_ago=8):
        proposal.refresh_from_db()
        proposals.finalize(proposal, by=hana)
    with clock.chapter(days_ago=6):
        batch = ledger.make_batch(pool, by=hana)
        for payout in batch.payouts.select_related("user", "batch__pool").order_by("pk")[:5]:
            ledger.mark_paid(payout, by=hana, reference=f"SEPA {payout.pk:06d}")


FILM_TITLE = "The Man With a Turnip for a Head (short film)"


def _cut_the_film(hana: User, works: Works, final: Record) -> Record:
    """Hana cuts the film in Ensemble's own editor: the title, the animation, the chosen
    pictures and the end credits, over the reading's voice, the score and its three
    parts; rendered by the same code as any production, so its sources (and so its
    credits and its money) are exactly what the cut uses, with their time ranges."""
    assert works.project is not None
    assert works.character is not None
    timeline = timelines.create(works.project, by=hana, title=FILM_TITLE)
    pictures = [works.character, *works.backgrounds[:3]]
    video: list[dict[str, object]] = [
        {
            "type": "title",
            "title": "The Man With a Turnip for a Head",
            "subtitle": "an Ensemble production",
            "seconds": 2.0,
        },
        {"type": "clip", "record": final.pk, "in": 0.0, "out": 4.0, "fit": "fit"},
    ]
    video += [{"type": "still", "record": p.pk, "seconds": 1.5, "fit": "fit"} for p in pictures]
    video.append({"type": "credits", "seconds": 6.0, "style": "scroll"})
    reading = works.readings[3]
    audio = [
        [{"record": reading.pk, "in": 0.0, "out": 3.0, "at": 0.0, "fade_out": 0.5}],
        [
            {
                "record": works.score.pk,
                "in": 0.0,
                "out": 8.0,
                "at": 2.0,
                "gain_db": -3.0,
                "fade_in": 0.5,
                "fade_out": 1.5,
            }
        ]
        if works.score is not None
        else [],
    ]
    for part in works.parts:
        audio.append(
            [
                {
                    "record": part.pk,
                    "in": 0.0,
                    "out": 8.0,
                    "at": 2.0,
                    "gain_db": -9.0,
                    "fade_in": 0.5,
                    "fade_out": 1.5,
                }
            ]
        )
    document = {"output": {"width": 640, "height": 360, "fps": 12}, "video": video, "audio": audio}
    timelines.save(timeline, document, by=hana, based_on=1, note="The cut")
    made = timelines.start_render(timeline, by=hana, quality="final")
    # Here, not on the worker, as `make` processes uploads: the next step needs the film.
    outcome = rendering.run(made.pk)
    if outcome != "ready":
        raise DemoError(f"The film could not be rendered: {outcome}")
    made.refresh_from_db()
    assert made.version is not None
    if processing.run(made.version.pk) != "ready":
        raise DemoError("The rendered film could not be processed.")
    film = Record.objects.get(pk=made.version.record_id)
    records_services.update_record(
        film,
        by=hana,
        tags=["film", "turnip", "animation"],
        description=(
            "The film of Wren Castellanos's poem, made through open calls and cut in "
            "Ensemble. Every person whose work is in it is in the credits; everyone who "
            "entered is thanked."
        ),
    )
    records_services.publish(film, by=hana)
    return film
