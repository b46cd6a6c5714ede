"""Each document's title without its take number, so near-identical results group."""

from django.db import migrations, models

from ensemble.search.grouping import group_title

BATCH = 2_000


def fill_group_titles(apps, schema_editor):
    """The documents indexed before grouping existed (text only: the full-text index is
    untouched)."""
    Document = apps.get_model("search", "Document")
    batch = []
    for doc in Document.objects.only("id", "title").iterator(chunk_size=BATCH):
        doc.group_title = group_title(doc.title)
        batch.append(doc)
        if len(batch) == BATCH:
            Document.objects.bulk_update(batch, ["group_title"])
            batch = []
    Document.objects.bulk_update(batch, ["group_title"])


class Migration(migrations.Migration):
    dependencies = [("search", "0002_full_text")]

    operations = [
        migrations.AddField(
            model_name="document",
            name="group_title",
            field=models.CharField(blank=True, db_default="", default="", max_length=300),
        ),
        migrations.RunPython(fill_group_titles, migrations.RunPython.noop),
    ]
