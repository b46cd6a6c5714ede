"""Factories for payments tests: a released production with a small lineage."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from ensemble.accounts.models import User
from ensemble.lineage import services as lineage
from ensemble.lineage.testing import bare_record
from ensemble.payments.models import Pool
from ensemble.payments.services import pools
from ensemble.projects import productions
from ensemble.projects import services as projects
from ensemble.projects.testing import make_call, make_project


def released_production(leader: User, bob: User, carol: User) -> SimpleNamespace:
    """Leader's film uses Bob's drawing (selected) and Carol's song (selected); Bob's
    drawing uses Carol's script. Released once."""
    project = make_project(leader)
    call = make_call(project)
    script = bare_record(carol, kind="text", title="The script")
    drawing = bare_record(bob, kind="image", title="The drawing")
    lineage.add_source(drawing, script, by=bob, note="Drew what the script says.")
    song = bare_record(carol, kind="audio", title="The song")
    for who, record in ((bob, drawing), (carol, song)):
        entry = projects.submit_entry(call, by=who, record=record)
        projects.decide([entry], by=leader, state="selected")
    film = bare_record(leader, kind="video", title="The film")
    production, _ = productions.make_production(project, by=leader, record=film)
    productions.release(production, by=leader)
    return SimpleNamespace(
        project=project, production=production, film=film, script=script, drawing=drawing, song=song
    )


def pool_with_revenue(story: SimpleNamespace, leader: User, amount: int = 10_000) -> Pool:
    """A profit-share pool in euros for `story`'s production, with `amount` cents of
    revenue recorded: enough to make a proposal from."""
    pool = pools.create_pool(story.production, by=leader, kind="profit_share", currency="EUR")
    pools.record_entry(
        pool,
        by=leader,
        kind="revenue",
        amount=amount,
        currency="EUR",
        on=dt.date(2026, 12, 1),
        description="Screenings",
    )
    return pool
