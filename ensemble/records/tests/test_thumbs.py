"""Thumbnails for many records at once (`thumbs_of`, the remix tree's) are the ones each
record's card shows, read in two statements however many records."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ensemble.records import services
from ensemble.records.models import Record
from ensemble.records.present import card_media, thumbs_of
from ensemble.records.testing import make_record

pytestmark = pytest.mark.django_db


def test_each_record_gets_the_thumbnail_its_card_shows(alice):
    public = make_record(alice, title="Public picture", publish=True)
    draft = make_record(alice, title="Draft picture")
    poem = make_record(alice, title="Poem", text="A turnip.", publish=True)
    removed = make_record(alice, title="Removed", publish=True)
    services.delete_record(removed, by=alice)
    waiting = make_record(alice, title="Not processed yet", process=False)  # made last
    records = list(Record.objects.filter(owner=alice).select_related("owner"))

    with CaptureQueriesContext(connection) as captured:
        thumbs = thumbs_of(records)
    assert len(captured) == 2
    cards = {r.pk: card_media(r.current_version, r).thumb for r in records}
    assert thumbs == {pk: url for pk, url in cards.items() if url is not None}
    assert set(thumbs) == {public.pk, draft.pk}
    assert {waiting.pk, poem.pk, removed.pk}.isdisjoint(thumbs)
