"""The whole Turnip Head story, built into an empty database in one transaction.

Steps (each a chapter of `works`, `release` or `afterwards`, dated by `clock`):
1. The cast: the demo accounts with fresh passwords, and a crowd of 170.
2. Wren's poem; twenty phone videos of its live reading, each citing it.
3. Hana's project, with stages and the poem and a reading as resources; followers.
4. The character call: 145 drawings, a shortlist of twelve, one selected.
5. Animation tests and background elements; Yuki joins as a leader.
6. A score that follows the reading, then piano, violin and clarinet parts on it.
7. Yuki's final animation; the film, assembled from the selected pictures over the
   score, made the production and released with its credits and thanks.
8. The money: a profit-share pool, a proposal with one waiver, comments, finalized and
   paid out.
9. Afterwards: remixes of the film, Hana's next project with a call open now, hearts,
   comments with mentions, a list; trending.
10. Care (`care`): Rosa moderates; a rights report on a remix dismissed, and an advert
   under the film reported, waiting in her queue.

One transaction: a demo that fails halfway leaves no half a story behind (files written
for it stay in the records folder; the next `ensemble demo` does not reuse them).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.db import transaction

from ensemble.demo import cast as casting
from ensemble.demo.story import afterwards, care, release, works
from ensemble.demo.story.clock import Clock

CROWD = 170


def build(progress: Callable[[str], None] = lambda line: None) -> dict[str, str]:
    """Build the story; return the demo accounts' passwords, by username."""
    clock = Clock()
    w = works.Works()

    def step[T](name: str, run: Callable[[], T]) -> T:
        progress(f"{name}…")
        started = time.perf_counter()
        result = run()
        progress(f"{name}: {time.perf_counter() - started:.1f} s")
        return result

    with transaction.atomic():
        cast = step("The cast", lambda: casting.assemble(crowd=CROWD, joined=clock.days_ago(200)))
        step("The poem", lambda: works.the_poem(cast, clock, w))
        step("The live reading (20 videos)", lambda: works.the_reading(cast, clock, w))
        step("The project", lambda: works.the_project(cast, clock, w))
        step("Followers", lambda: afterwards.follows_along(cast, clock, w))
        step("The character call (145 drawings)", lambda: works.the_character_call(cast, clock, w))
        step(
            "Animation tests and backgrounds",
            lambda: works.the_animation_and_backgrounds(cast, clock, w),
        )
        step("The score and its parts", lambda: works.the_music(cast, clock, w))
        production, film = step("The film, released", lambda: release.the_film(cast, clock, w))
        step("The money", lambda: release.the_money(cast, clock, production))
        later = step("Remixes of the film", lambda: afterwards.remixes(cast, clock, w, film))
        step("A new call, open now", lambda: afterwards.a_new_call(cast, clock, w))
        step(
            "Hearts, comments and a list", lambda: afterwards.attention(cast, clock, w, film, later)
        )
        step("Reports and a moderator", lambda: care.moderation_at_work(cast, clock, film, later))
    return cast.passwords
