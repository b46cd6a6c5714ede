"""Payment-proposal comments become `community.Comment`s on their proposal (the one
comment model; the rules are `payments.comment_policy`), and `payments.Comment` goes.

Both tables numbered their comments from 1, so a proposal's comment cannot keep its id:
it gets `id + offset`, where the offset is past every id either table ever handed out,
and keeps the old id in `former_id`, which the proposal page still renders as an anchor
(links in emails sent before keep landing on the comment). Notifications about a
comment point at the new row. Going back restores the old ids.
"""

from django.db import migrations
from django.db.models import F, Max

PAGE = 500  # rows per insert


def _allocated(connection, table):
    """The highest id the table's counter has handed out (deleted rows included): new
    ids never meet an id something may still name."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        elif connection.vendor == "postgresql":
            cursor.execute(
                "SELECT pg_sequence_last_value(pg_get_serial_sequence(%s, 'id')::regclass)",
                [table],
            )
        else:
            return 0
        row = cursor.fetchone()
    return (row[0] or 0) if row else 0


def _allocate_past(connection, table, value):
    """The table's next id comes after `value` (explicit ids do not move PostgreSQL's
    sequence; SQLite's counter follows them, but not past deleted ids)."""
    if value <= _allocated(connection, table):
        return
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [table])
            cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, value])
        elif connection.vendor == "postgresql":
            cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, value])


def into_community(apps, schema_editor):
    Old = apps.get_model("payments", "Comment")
    New = apps.get_model("community", "Comment")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Notification = apps.get_model("notifications", "Notification")
    connection = schema_editor.connection
    old_table, new_table = Old._meta.db_table, New._meta.db_table
    old_highest = max(_allocated(connection, old_table), Old.objects.aggregate(m=Max("id"))["m"] or 0)
    offset = max(
        old_highest,
        _allocated(connection, new_table),
        New.objects.aggregate(m=Max("id"))["m"] or 0,
    )
    proposal, _ = ContentType.objects.get_or_create(app_label="payments", model="proposal")
    rows = []
    for old in Old.objects.order_by("id").iterator(chunk_size=PAGE):  # answers after what they answer
        rows.append(
            New(
                id=old.id + offset,
                former_id=old.id,
                subject_type=proposal,
                subject_id=old.proposal_id,
                author_id=old.author_id,
                reply_to_id=old.reply_to_id + offset if old.reply_to_id else None,
                body=old.body,
                body_html=old.body_html,
                created_at=old.created_at,
                edited_at=old.edited_at,
                deleted_at=old.deleted_at,
            )
        )
    New.objects.bulk_create(rows, batch_size=PAGE)
    _allocate_past(connection, new_table, offset + old_highest)
    was = ContentType.objects.filter(app_label="payments", model="comment").first()
    if was is not None:
        now, _ = ContentType.objects.get_or_create(app_label="community", model="comment")
        Notification.objects.filter(about_type=was).update(
            about_type=now, about_id=F("about_id") + offset
        )


def back_to_payments(apps, schema_editor):
    """Every comment on a proposal back to `payments.Comment`, under its former id (one
    made since keeps its id: above every former id, by the offset)."""
    Old = apps.get_model("payments", "Comment")
    New = apps.get_model("community", "Comment")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Notification = apps.get_model("notifications", "Notification")
    proposal, _ = ContentType.objects.get_or_create(app_label="payments", model="proposal")
    moved = New.objects.filter(subject_type=proposal)
    old_id = {pk: former or pk for pk, former in moved.values_list("id", "former_id")}
    Old.objects.bulk_create(
        (
            Old(
                id=old_id[new.id],
                proposal_id=new.subject_id,
                author_id=new.author_id,
                reply_to_id=old_id[new.reply_to_id] if new.reply_to_id else None,
                body=new.body,
                body_html=new.body_html,
                created_at=new.created_at,
                edited_at=new.edited_at,
                deleted_at=new.deleted_at,
            )
            for new in moved.order_by("id")
        ),
        batch_size=PAGE,
    )
    _allocate_past(schema_editor.connection, Old._meta.db_table, max(old_id.values(), default=0))
    now = ContentType.objects.filter(app_label="community", model="comment").first()
    if now is not None and old_id:
        was, _ = ContentType.objects.get_or_create(app_label="payments", model="comment")
        for new_id, former in old_id.items():
            Notification.objects.filter(about_type=now, about_id=new_id).update(
                about_type=was, about_id=former
            )
    moved.filter(reply_to__isnull=False).delete()
    moved.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0002_comment_edited_deleted"),
        ("community", "0003_comment_subject"),
        ("notifications", "0003_held_for_digest"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(into_community, back_to_payments),
        migrations.DeleteModel(name="Comment"),
    ]
