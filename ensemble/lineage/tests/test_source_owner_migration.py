"""`lineage.0002` gives every existing edge its source's owner, and undoes cleanly."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from ensemble.lineage.models import Source
from ensemble.lineage.testing import bare_record
from ensemble.records import services as records

BEFORE = [("lineage", "0001_initial")]
AFTER = [("lineage", "0002_source_owner")]


def _migrate(targets):
    """The database at `targets`, and the models as they were there."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def _columns() -> set[str]:
    with connection.cursor() as cursor:
        return {
            c.name for c in connection.introspection.get_table_description(cursor, "lineage_source")
        }


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.slow  # migrates the database back and forth
def test_every_edge_gets_its_sources_owner_and_the_column_goes_back(alice, bob, carol):
    poem = bare_record(alice, title="Poem")
    drawing = bare_record(bob, title="Drawing", public=False)
    gone = bare_record(carol, title="Removed")
    film = bare_record(carol, title="Film")
    records.delete_record(gone, by=carol)  # a tombstone keeps its owner, and its edges
    Old = _migrate(BEFORE).get_model("lineage", "Source")
    assert "source_owner_id" not in _columns()
    made = {}
    for source in (poem, drawing, gone):
        edge = Old.objects.create(
            derived_id=film.pk, source_id=source.pk, note="used", source_licence="accord"
        )
        made[edge.pk] = source.owner_id
    Old.objects.create(derived_id=poem.pk, source_id=drawing.pk, note="n", source_licence="accord")
    made[Old.objects.latest("pk").pk] = bob.pk

    _migrate(AFTER)
    assert dict(Source.objects.values_list("pk", "source_owner_id")) == made
    (edge,) = Source.objects.filter(source_owner=alice)
    assert (edge.derived_id, edge.source_id) == (film.pk, poem.pk)

    _migrate(BEFORE)  # and back: the column goes, the edges stay
    assert "source_owner_id" not in _columns()
    assert Old.objects.count() == 4
    _migrate(AFTER)
    assert dict(Source.objects.values_list("pk", "source_owner_id")) == made
