"""Credit rolls: everyone in the lineage, by role, direct apart from indirect, and never a
glimpse of someone else's draft."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ensemble.accounts.testing import make_user
from ensemble.lineage import graph, services
from ensemble.lineage.credits import credit_roll
from ensemble.lineage.models import Source
from ensemble.lineage.testing import bare_record
from ensemble.records import services as records
from ensemble.records.models import CoCreator

pytestmark = pytest.mark.django_db


def cite(derived, source, **kw):
    kw.setdefault("note", "used")
    return services.add_source(derived, source, by=derived.owner, **kw)


def people(roll, section=None):
    return {
        (s.key, role, p.name)
        for s in roll.sections
        if section in (None, s.key)
        for role, _, persons in s.groups
        for p in persons
    }


def test_the_turnip_film_credits_everyone_by_role(alice, bob, carol):
    writer = make_user("wren", display_name="Wren Writer")
    writer.set_skills(["writing"])
    bob.set_skills(["music"])
    poem = bare_record(writer, title="Turnip poem", kind="text")
    score = bare_record(bob, title="Score", kind="audio")
    drawing = bare_record(carol, title="Turnip head", kind="image")
    film = bare_record(alice, title="The film", kind="video")
    cite(score, poem)
    cite(film, score)
    cite(film, drawing)

    roll = credit_roll(film.pk)
    assert people(roll) == {
        ("work", "camera", "Alice Archer"),
        ("direct", "musician", "Bob Brass"),
        ("direct", "illustrator", "carol"),
        ("indirect", "writer", "Wren Writer"),
    }
    direct = next(s for s in roll.sections if s.key == "direct")
    bob_entry = dict((r, ps) for r, _, ps in direct.groups)["musician"][0]
    assert [r.title for r in bob_entry.records] == ["Score"]
    assert roll.record_count == 4


def test_a_role_tag_wins_over_kind_and_skills(alice, bob):
    score = bare_record(bob, title="Score", kind="audio")
    records.set_tags(score, ["composer"])
    work = bare_record(alice)
    cite(work, score)
    assert ("direct", "composer", "Bob Brass") in people(credit_roll(work.pk))


def test_accepted_co_creators_are_credited_invited_ones_not(alice, bob, carol):
    song = bare_record(bob, kind="audio")
    CoCreator.objects.create(
        record=song, user=carol, state="accepted", responded_at=song.created_at
    )
    CoCreator.objects.create(record=song, user=alice, state="invited")
    work = bare_record(make_user("dave"))
    cite(work, song)
    names = {name for _, _, name in people(credit_roll(work.pk))}
    assert names == {"dave", "Bob Brass", "carol"}


def test_removed_records_stay_credited(alice, bob):
    song = bare_record(bob, title="Song")
    work = bare_record(alice)
    cite(work, song)
    records.delete_record(song, by=bob)
    roll = credit_roll(work.pk)
    assert ("direct", "writer", "Bob Brass") in people(roll)
    direct = next(s for s in roll.sections if s.key == "direct")
    assert direct.groups[0][2][0].records[0].removed


def test_a_former_member_keeps_the_credit_without_a_name(alice, bob):
    song = bare_record(bob)
    work = bare_record(alice)
    cite(work, song)
    bob.is_active = False
    bob.save()
    assert ("direct", "writer", "a former member") in people(credit_roll(work.pk))


def test_drafts_in_the_lineage_are_hidden_from_others(alice, bob, carol):
    sketch = bare_record(alice, title="Private sketch", public=False)
    work = bare_record(alice, title="Public work")
    CoCreator.objects.create(
        record=sketch, user=bob, state="accepted", responded_at=sketch.created_at
    )
    cite(work, sketch)
    assert ("direct", "writer", "Bob Brass") not in people(credit_roll(work.pk, carol))
    assert ("direct", "writer", "Bob Brass") in people(credit_roll(work.pk, alice))
    assert ("direct", "writer", "Bob Brass") in people(credit_roll(work.pk, bob))


def test_a_person_is_credited_in_the_nearest_section_only(alice, bob):
    root = bare_record(bob, title="Root")
    middle = bare_record(bob, title="Middle")
    work = bare_record(alice)
    cite(middle, root)
    cite(work, middle)
    cite(work, root)
    sections = {key for key, _, name in people(credit_roll(work.pk)) if name == "Bob Brass"}
    assert sections == {"direct"}


SETTINGS = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.mark.slow  # dozens of generated graphs, each through the database
@SETTINGS
@given(
    edges=st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6)), max_size=15),
    co=st.lists(st.tuples(st.integers(0, 6), st.integers(0, 3)), max_size=6),
)
def test_credits_are_exactly_the_owners_and_co_creators_of_the_ancestry(edges, co):
    Source.objects.all().delete()
    CoCreator.objects.all().delete()
    members = [make_user() for _ in range(4)]
    nodes = [bare_record(members[i % 4]) for i in range(7)]
    for d, s in edges:
        duplicate = Source.objects.filter(derived=nodes[d], source=nodes[s]).exists()
        if d != s and not duplicate and not graph.is_ancestor(nodes[d].pk, nodes[s].pk):
            cite(nodes[d], nodes[s])
    for n, m in co:
        if members[m].pk != nodes[n].owner_id:
            CoCreator.objects.get_or_create(
                record=nodes[n],
                user=members[m],
                defaults={"state": "accepted", "responded_at": nodes[n].created_at},
            )
    for node in nodes:
        lineage = {node.pk, *graph.reachable(node.pk, "ancestors")}
        expected = {r.owner_id for r in nodes if r.pk in lineage} | set(
            CoCreator.objects.filter(record_id__in=lineage, state="accepted").values_list(
                "user_id", flat=True
            )
        )
        roll = credit_roll(node.pk)
        credited = {p.user_id for s in roll.sections for _, _, ps in s.groups for p in ps}
        assert credited == expected


def test_the_owner_sees_her_own_drafts_further_up_too(alice, bob, carol):
    make_user("padding")  # ids that cannot coincide with the flags in a row
    sketch = bare_record(alice, title="Private sketch", public=False)
    study = bare_record(alice, title="Study")
    work = bare_record(alice, title="Work")
    CoCreator.objects.create(
        record=sketch, user=bob, state="accepted", responded_at=sketch.created_at
    )
    cite(study, sketch)
    cite(work, study)
    assert ("indirect", "writer", "Bob Brass") in people(credit_roll(work.pk, alice))
    assert ("indirect", "writer", "Bob Brass") not in people(credit_roll(work.pk, carol))


def test_the_cached_roll_is_renewed_by_every_change_it_depends_on(alice, bob, carol):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ensemble.lineage.credits import cached_credit_roll
    from ensemble.records.testing import make_record

    song = bare_record(bob, title="Song", kind="audio")
    work = bare_record(alice, title="Work")
    cite(work, song)
    assert ("direct", "musician", "Bob Brass") in people(cached_credit_roll(work.pk))
    with CaptureQueriesContext(connection) as captured:
        cached_credit_roll(work.pk)
    assert len(captured) == 1  # the generation; the roll itself came from the cache

    records.update_record(song, by=bob, title="Song (final)", tags=["composer"])
    roll = cached_credit_roll(work.pk)
    assert ("direct", "composer", "Bob Brass") in people(roll)
    direct = next(s for s in roll.sections if s.key == "direct")
    assert direct.groups[0][2][0].records[0].title == "Song (final)"

    poem = bare_record(carol, title="Poem")
    cite(song, poem)
    assert ("indirect", "writer", "carol") in people(cached_credit_roll(work.pk))

    sketch = make_record(alice, title="Sketch")  # a draft of alice's
    cite(work, sketch)
    assert "Sketch" not in {
        r.title
        for s in cached_credit_roll(work.pk, bob).sections
        for _, _, ps in s.groups
        for p in ps
        for r in p.records
    }
    assert "Sketch" in {
        r.title
        for s in cached_credit_roll(work.pk, alice).sections
        for _, _, ps in s.groups
        for p in ps
        for r in p.records
    }


def test_a_new_name_or_skill_renews_the_cached_roll(alice, bob, client):
    from ensemble.lineage.credits import cached_credit_roll

    song = bare_record(bob, kind="audio")
    work = bare_record(alice)
    cite(work, song)
    assert ("direct", "musician", "Bob Brass") in people(cached_credit_roll(work.pk))
    client.force_login(bob)
    response = client.post(
        "/settings/profile/",
        {"display_name": "Robert Brass", "bio": "", "links_text": "", "skills": ["sound"]},
    )
    assert response.status_code in (200, 302)
    assert ("direct", "sound", "Robert Brass") in people(cached_credit_roll(work.pk))
