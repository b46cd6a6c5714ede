"""The credit line under a record's title: "remix of X by A and N more · originally Y by
B", from the newest direct sources it uses and the oldest roots further up, without a
draft of someone else named or counted, and never stale after a citation changes."""

from __future__ import annotations

import pytest

from ensemble.lineage import graph, services
from ensemble.lineage.models import Source
from ensemble.lineage.testing import bare_record

pytestmark = pytest.mark.django_db


def cite(derived, source, **kw):
    kw.setdefault("note", "used")
    return services.add_source(derived, source, by=derived.owner, **kw)


def credit_line(client, record) -> str:
    html = client.get(record.get_absolute_url()).content.decode()
    if 'class="credit-line"' not in html:
        return ""
    return html.split('class="credit-line"', 1)[1].split("</p>", 1)[0]


def test_it_names_three_sources_newest_first_and_counts_the_rest(alice, bob, client):
    film = bare_record(alice, title="Film")
    for n in range(1, 6):
        cite(film, bare_record(bob, title=f"Take {n}"))
    cite(film, bare_record(bob, title="A mood"), kind=Source.Kind.INSPIRED_BY)

    line = credit_line(client, film)
    assert "Take 5</a> by Bob Brass, " in line
    assert "Take 3</a> by Bob Brass and 2 more" in line
    assert "Take 2" not in line
    assert "A mood" not in line  # an inspiration, not material


def test_sources_it_uses_are_found_behind_a_page_of_inspirations(alice, bob, client):
    film = bare_record(alice, title="Film")
    cite(film, bare_record(bob, title="Material"))
    for n in range(15):
        cite(film, bare_record(bob, title=f"Mood {n}"), kind=Source.Kind.INSPIRED_BY)
    line = credit_line(client, film)
    assert "remix of" in line
    assert "Material</a>" in line
    assert "more" not in line


def test_only_inspirations_make_no_line(alice, bob, client):
    film = bare_record(alice, title="Film")
    cite(film, bare_record(bob, title="A mood"), kind=Source.Kind.INSPIRED_BY)
    assert credit_line(client, film) == ""


def test_originally_names_the_oldest_roots_further_up(alice, bob, carol, client):
    first, second, third, fourth = (bare_record(carol, title=f"Root {n}") for n in range(1, 5))
    middle = bare_record(bob, title="Middle")
    for root in (fourth, second, first, third):
        cite(middle, root)
    film = bare_record(alice, title="Film")
    cite(film, middle)
    direct_root = bare_record(carol, title="Direct root")
    cite(film, direct_root)

    line = credit_line(client, film)
    originally = line.split("originally", 1)[1]
    assert [t for t in ("Root 1", "Root 2", "Root 3", "Root 4") if t in originally] == [
        "Root 1",
        "Root 2",
        "Root 3",
    ]
    assert "Direct root" not in originally  # named already, as what it remixes
    assert graph.roots_above(film.pk, limit=10) == [first.pk, second.pk, third.pk, fourth.pk]


def test_a_root_inspired_by_something_is_still_a_root(alice, bob, carol, client):
    root = bare_record(carol, title="Root")
    cite(root, bare_record(carol, title="Its mood"), kind=Source.Kind.INSPIRED_BY)
    middle = bare_record(bob, title="Middle")
    cite(middle, root)
    film = bare_record(alice, title="Film")
    cite(film, middle)
    assert "originally <a" in credit_line(client, film)
    assert graph.roots_above(film.pk, limit=3) == [root.pk]


def draft_cited(derived, draft):
    """A citation of someone else's draft (cited while bob shared it, say): written
    directly, as `add_source` refuses a draft its citer cannot see."""
    Source.objects.create(
        derived=derived,
        source=draft,
        source_owner=draft.owner,
        note="used",
        source_licence="accord",
    )


def test_drafts_of_others_are_neither_named_nor_counted(alice, bob, client):
    film = bare_record(alice, title="Film")
    middle = bare_record(alice, title="Middle")
    draft_cited(middle, bare_record(bob, title="Hidden root", public=False))
    cite(film, middle)
    for n in range(3):
        draft_cited(film, bare_record(bob, title=f"Bob's sketch {n}", public=False))

    line = credit_line(client, film)
    assert "Middle</a>" in line
    assert "more" not in line
    assert "Hidden root" not in line
    assert "sketch" not in line
    client.force_login(bob)
    line = credit_line(client, film)
    assert "and 1 more" in line  # three sketches and Middle: three named, one counted
    assert "Hidden root" in line


def test_a_new_root_shows_at_once(alice, bob, carol, client):
    middle = bare_record(bob, title="Middle")
    film = bare_record(alice, title="Film")
    cite(film, middle)
    assert "originally" not in credit_line(client, film)  # cached with no roots

    cite(middle, bare_record(carol, title="New root"))
    assert "New root" in credit_line(client, film).split("originally", 1)[1]
