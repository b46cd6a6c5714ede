"""Comments point at their subject (a content type and an id) instead of one nullable
key per kind (record, project, call): payment-proposal comments join this table in
`payments.0003_comments_into_community`. Every comment keeps its id, so links to it
(`#comment-<id>`, notifications) still lead to it."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.migrations.exceptions import IrreversibleError
from django.db.models import F

KINDS = (("record", "records"), ("project", "projects"), ("call", "projects"))


def to_subjects(apps, schema_editor):
    """Each comment's record, project or call becomes its subject."""
    Comment = apps.get_model("community", "Comment")
    ContentType = apps.get_model("contenttypes", "ContentType")
    for field, app_label in KINDS:
        kind, _ = ContentType.objects.get_or_create(app_label=app_label, model=field)
        Comment.objects.filter(**{f"{field}__isnull": False}).update(
            subject_type=kind, subject_id=F(f"{field}_id")
        )


def to_columns(apps, schema_editor):
    """Back: each subject to its own column; a comment on anything else has no column."""
    Comment = apps.get_model("community", "Comment")
    ContentType = apps.get_model("contenttypes", "ContentType")
    kinds = []
    for field, app_label in KINDS:
        kind, _ = ContentType.objects.get_or_create(app_label=app_label, model=field)
        Comment.objects.filter(subject_type=kind).update(**{f"{field}_id": F("subject_id")})
        kinds.append(kind.pk)
    if Comment.objects.exclude(subject_type__in=kinds).exists():
        raise IrreversibleError(
            "Some comments are on things other than records, projects and calls."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0002_record_trend"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="subject_type",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="contenttypes.contenttype",
            ),
        ),
        migrations.AddField(
            model_name="comment",
            name="subject_id",
            field=models.PositiveBigIntegerField(null=True),
        ),
        migrations.AddField(
            model_name="comment",
            name="former_id",
            field=models.PositiveBigIntegerField(blank=True, null=True),
        ),
        # Before the data moves, so that going back fills the columns before the
        # constraint returns.
        migrations.RemoveConstraint(model_name="comment", name="comment_one_target"),
        migrations.RunPython(to_subjects, to_columns),
        migrations.RemoveIndex(model_name="comment", name="comment_record"),
        migrations.RemoveIndex(model_name="comment", name="comment_project"),
        migrations.RemoveIndex(model_name="comment", name="comment_call"),
        migrations.RemoveField(model_name="comment", name="call"),
        migrations.RemoveField(model_name="comment", name="project"),
        migrations.RemoveField(model_name="comment", name="record"),
        migrations.AlterField(
            model_name="comment",
            name="subject_type",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="contenttypes.contenttype",
            ),
        ),
        migrations.AlterField(
            model_name="comment",
            name="subject_id",
            field=models.PositiveBigIntegerField(),
        ),
        migrations.AlterField(
            model_name="comment",
            name="author",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="comments",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(fields=["subject_type", "subject_id", "id"], name="comment_subject"),
        ),
    ]
