"""Two requests at once can never create a cycle together (PostgreSQL, real connections)."""

from __future__ import annotations

import threading

import pytest
from django.conf import settings as django_settings

from ensemble.accounts.testing import make_user
from ensemble.core.refusals import Refused
from ensemble.lineage import graph, services
from ensemble.lineage.models import Source
from ensemble.lineage.testing import bare_record


@pytest.mark.skipif(
    "postgresql" not in django_settings.DATABASES["default"]["ENGINE"],
    reason="needs separate connections writing at once: runs on PostgreSQL (as in CI); "
    "SQLite's IMMEDIATE transactions take turns by design",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_opposite_citations_never_close_a_cycle():
    owner = make_user("racer")
    for _ in range(15):
        a, b, c = bare_record(owner), bare_record(owner), bare_record(owner)
        services.add_source(b, c, by=owner, note="n")  # a longer path: b → c
        outcomes: list[str] = []
        barrier = threading.Barrier(2)

        def cite(derived, source, barrier=barrier, outcomes=outcomes):
            from django.db import connection as own

            barrier.wait()
            try:
                services.add_source(derived, source, by=owner, note="n")
                outcomes.append("added")
            except Refused as refused:
                outcomes.append(refused.code)
            finally:
                own.close()

        # c → a and a → b together would close a → b → c → a.
        threads = [
            threading.Thread(target=cite, args=(c, a)),
            threading.Thread(target=cite, args=(a, b)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes) == ["added", "cycle"]
        for record in (a, b, c):
            assert record.pk not in graph.reachable(record.pk, "ancestors")
    assert Source.objects.count() == 30
