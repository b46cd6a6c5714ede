"""The site's care: Rosa moderates. An advert posted under the film waits in her queue,
reported by Wren; an earlier rights report on a remix was dismissed (it cites what it
is made from), so the moderation log has a page to read. Signed in as Rosa, a newcomer
finds the queue under "Your reports" → "Moderation"."""

from __future__ import annotations

from ensemble.community.services import comments
from ensemble.demo.cast import Cast
from ensemble.demo.story.clock import Clock
from ensemble.moderation import services as moderation
from ensemble.records.models import Record

ADVERT = "Turnip-shaped hats, half price this week only! The link is in my profile."


def moderation_at_work(cast: Cast, clock: Clock, film: Record, later: list[Record]) -> None:
    rosa = cast["rosa"]
    moderation.grant(rosa)
    with clock.chapter(days_ago=0.8):
        poster = later[0]  # a remix of the film, which cites it
        doubt = moderation.file_report(
            cast.crowd[40],
            "record",
            poster.pk,
            reason="rights",
            text="This poster takes its character from the film.",
            original_record=film.pk,
        )
        moderation.decide(
            doubt,
            by=rosa,
            action="dismiss",
            note="The poster cites the film as its source: the credit is there already.",
        )
    with clock.chapter(days_ago=0.2):
        advert = comments.add(cast.crowd[-1], film, ADVERT)
        moderation.file_report(
            cast["wren"],
            "comment",
            advert.pk,
            reason="spam",
            text="An advert for hats, posted under the film.",
        )
