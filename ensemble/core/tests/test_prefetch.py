"""core.prefetch.related: prefetched rows without a queryset, the manager otherwise."""

from __future__ import annotations

import pytest

from ensemble.core.prefetch import related
from ensemble.records.models import Version
from ensemble.records.testing import make_record

pytestmark = pytest.mark.django_db


def test_prefetched_rows_are_read_without_a_query(alice, django_assert_num_queries):
    record = make_record(alice)
    version = Version.objects.prefetch_related("renditions").get(pk=record.current_version_id)
    with django_assert_num_queries(0):
        rows = related(version, "renditions")
    assert sorted(r.pk for r in rows) == sorted(version.renditions.values_list("pk", flat=True))
    rows.clear()  # a copy: the prefetched rows stay
    assert related(version, "renditions")


def test_without_a_prefetch_the_rows_are_queried(alice, django_assert_num_queries):
    record = make_record(alice)
    version = Version.objects.get(pk=record.current_version_id)
    with django_assert_num_queries(1):
        rows = related(version, "renditions")
    assert {r.role for r in rows} >= {"thumb_small"}
