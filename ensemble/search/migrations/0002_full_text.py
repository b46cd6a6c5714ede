"""The full-text index, in the dialect of the database that runs the migration.

SQLite: an external-content FTS5 table over search_document (title, body, tags), kept in
step by `index.put` / `index.drop` (no triggers: the services say when text changes).
PostgreSQL: a weighted tsvector column (title A, tags B, body C) with a GIN index.
"""

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE search_fts USING fts5(title, body, tags, "
    "content='search_document', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
]
SQLITE_UNDO = ["DROP TABLE IF EXISTS search_fts"]
POSTGRES = [
    "ALTER TABLE search_document ADD COLUMN vector tsvector",
    "CREATE INDEX search_document_vector ON search_document USING GIN (vector)",
]
POSTGRES_UNDO = [
    "DROP INDEX IF EXISTS search_document_vector",
    "ALTER TABLE search_document DROP COLUMN IF EXISTS vector",
]


def forwards(apps, schema_editor):
    statements = {"sqlite": SQLITE, "postgresql": POSTGRES}.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    statements = {"sqlite": SQLITE_UNDO, "postgresql": POSTGRES_UNDO}.get(
        schema_editor.connection.vendor, []
    )
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
