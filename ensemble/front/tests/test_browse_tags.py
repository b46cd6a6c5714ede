"""Browse's tag suggestions: the tags public records carry, never a draft's or a removed
record's (front.browse.tags_in_use)."""

from __future__ import annotations

import pytest

from ensemble.front.browse import tags_in_use
from ensemble.records import services
from ensemble.records.testing import make_record

pytestmark = pytest.mark.django_db


def test_only_tags_of_public_records_are_suggested(alice, client):
    make_record(alice, title="Shown", tags="harbour, gulls", publish=True)
    make_record(alice, title="Draft", tags="secret-plan")
    removed = make_record(alice, title="Removed", tags="withdrawn", publish=True)
    services.delete_record(removed, by=alice)
    assert list(tags_in_use()) == ["gulls", "harbour"]
    page = client.get("/records/")
    assert b'<option value="harbour">' in page.content
    assert b"secret-plan" not in page.content
    assert b"withdrawn" not in page.content


def test_at_most_the_first_twenty_by_name(alice, django_assert_num_queries):
    for first in range(0, 25, 5):  # ten tags a record at most
        tags = [f"tag{n:02}" for n in range(first, first + 5)]
        make_record(alice, title=f"From {first}", tags=tags, publish=True)
    with django_assert_num_queries(1):
        names = list(tags_in_use())
    assert names == [f"tag{n:02}" for n in range(20)]
