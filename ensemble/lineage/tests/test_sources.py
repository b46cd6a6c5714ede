"""Citing sources: what is refused, with which reason, and what is kept."""

from __future__ import annotations

import re

import pytest

from ensemble.core.refusals import Refused
from ensemble.lineage import graph, services
from ensemble.lineage.models import Source
from ensemble.lineage.testing import bare_record
from ensemble.records import services as records

pytestmark = pytest.mark.django_db


def cite(derived, source, by=None, **kw):
    kw.setdefault("note", "the melody")
    return services.add_source(derived, source, by=by or derived.owner, **kw)


def test_a_citation_keeps_what_was_used_and_under_which_terms(alice, bob):
    poem = bare_record(bob, title="Turnip poem", licence="cc-by-sa-4.0")
    reading = bare_record(alice, title="Reading", licence="cc-by-sa-4.0")
    edge = cite(
        reading, poem, note="the whole text", part="verse 2", start_seconds=1.5, end_seconds=9
    )
    assert (edge.kind, edge.note, edge.part) == ("uses", "the whole text", "verse 2")
    assert edge.source_licence == "cc-by-sa-4.0"
    assert graph.reachable(reading.pk, "ancestors") == [poem.pk]
    assert graph.reachable(poem.pk, "descendants") == [reading.pk]


def test_a_citation_keeps_whose_work_the_source_is(alice, bob):
    """The home feed finds remixes of a member's work by the edge's own copy of it."""
    poem = bare_record(bob, title="Turnip poem")
    reading = bare_record(alice, title="Reading")
    edge = cite(reading, poem)
    assert edge.source_owner_id == bob.pk
    assert Source.objects.get(pk=edge.pk).source_owner == bob


def test_a_record_cannot_cite_itself(alice):
    work = bare_record(alice)
    with pytest.raises(Refused, match="its own source"):
        cite(work, work)


def test_a_cycle_is_refused_with_the_path_named(alice):
    a, b, c = (bare_record(alice, title=t) for t in "ABC")
    cite(b, a)
    cite(c, b)
    with pytest.raises(Refused) as refused:
        cite(a, c)
    assert refused.value.code == "cycle"
    assert "“C” → “B” → “A”" in refused.value.message
    assert Source.objects.count() == 2


def test_a_duplicate_citation_is_refused(alice):
    a, b = bare_record(alice), bare_record(alice)
    cite(b, a)
    with pytest.raises(Refused, match="already a source") as refused:
        cite(b, a, kind="inspired_by")
    assert refused.value.status == 409


def test_another_members_draft_cannot_be_cited_and_is_not_revealed(alice, bob):
    draft = bare_record(bob, public=False)
    with pytest.raises(Refused) as refused:
        cite(bare_record(alice), draft)
    assert refused.value.status == 404
    assert draft.title not in refused.value.message


def test_a_removed_record_cannot_be_cited(alice, bob):
    gone = bare_record(bob)
    records.delete_record(gone, by=bob)
    with pytest.raises(Refused, match="removed"):
        cite(bare_record(alice), gone)


def test_only_the_owner_of_the_derived_record_cites(alice, bob, carol):
    mine = bare_record(alice)
    with pytest.raises(Refused) as refused:
        services.add_source(mine, bare_record(bob), by=carol, note="x")
    assert refused.value.status == 403


def test_a_note_is_required(alice):
    with pytest.raises(Refused, match="Say what you used"):
        cite(bare_record(alice), bare_record(alice), note="  ")


@pytest.mark.parametrize("licence", ["cc-by-nd-4.0", "cc-by-nc-nd-4.0", "all-rights-reserved"])
def test_works_that_forbid_derivatives_can_inspire_but_not_be_used(alice, bob, licence):
    closed = bare_record(bob, title="Closed", licence=licence)
    with pytest.raises(Refused, match=re.escape("“Closed” by Bob Brass")) as refused:
        cite(bare_record(alice), closed)
    assert refused.value.code == "licence_conflict"
    cite(bare_record(alice), closed, kind="inspired_by", note="the mood")


def test_the_whole_ancestry_is_checked_not_just_the_source(alice, bob, carol):
    root = bare_record(carol, title="Root", licence="all-rights-reserved")
    middle = bare_record(carol, title="Middle", licence="cc-by-4.0")
    cite(middle, root)  # carol may use her own work
    with pytest.raises(Refused, match=re.escape("“Root” by carol")):
        cite(bare_record(alice), middle)


def test_share_alike_requires_the_same_licence(alice, bob):
    song = bare_record(bob, title="Song", licence="cc-by-sa-4.0")
    with pytest.raises(Refused, match=re.escape("must be CC BY-SA 4.0 too")):
        cite(bare_record(alice, licence="cc-by-4.0"), song)
    cite(bare_record(alice, licence="cc-by-sa-4.0"), song)


def test_non_commercial_requires_a_non_commercial_remix(alice, bob):
    art = bare_record(bob, title="Art", licence="cc-by-nc-4.0")
    with pytest.raises(Refused, match="non-commercial"):
        cite(bare_record(alice, licence="accord"), art)
    cite(bare_record(alice, licence="cc-by-nc-sa-4.0"), art)


def test_a_later_licence_change_of_a_source_keeps_existing_remixes(alice, bob, carol):
    song = bare_record(bob, title="Song", licence="cc-by-4.0")
    remix = bare_record(alice, licence="accord")
    cite(remix, song)
    records.update_record(song, by=bob, licence="all-rights-reserved")
    # The remix stays, and a remix of the remix is judged by the terms it was cited under.
    cite(bare_record(carol), remix)


def test_a_remix_cannot_change_to_a_licence_its_sources_forbid(alice, bob):
    song = bare_record(bob, licence="cc-by-sa-4.0")
    remix = bare_record(alice, licence="cc-by-sa-4.0")
    cite(remix, song)
    with pytest.raises(Refused, match=re.escape("must be CC BY-SA 4.0 too")):
        records.update_record(remix, by=alice, licence="cc-by-4.0")
    remix.refresh_from_db()
    assert remix.licence == "cc-by-sa-4.0"


def test_the_source_owner_is_notified_when_a_public_work_cites_them(alice, bob):
    song = bare_record(bob, title="Song")
    cite(bare_record(alice, title="Remix"), song)
    note = bob.notifications.get()
    assert note.kind == "cited"
    assert note.text == "@alice used “Song” in “Remix”."


def test_a_draft_citing_notifies_only_once_published(alice, bob):
    from ensemble.records.testing import make_record

    song = bare_record(bob, title="Song")
    draft = make_record(alice, title="Remix")
    cite(draft, song, kind="inspired_by")
    assert not bob.notifications.exists()
    records.publish(draft, by=alice)
    assert bob.notifications.get().text == "@alice was inspired by “Song” in “Remix”."


def test_removing_a_source(alice, bob):
    edge = cite(bare_record(alice), bare_record(bob))
    with pytest.raises(Refused):
        services.remove_source(edge, by=bob)
    services.remove_source(edge, by=alice)
    assert not Source.objects.exists()
