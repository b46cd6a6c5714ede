"""The two comment tables become one (`community.0003`, `payments.0003`) without losing
a word: a site's comments, replies, edits, deletions and the notifications about them
come through, on both sides of the migration and back again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.test import Client
from django.utils import timezone

from ensemble.community.models import Comment
from ensemble.community.services import comments
from ensemble.notifications.models import Notification
from ensemble.payments.models import Pool, Proposal
from ensemble.payments.services import pools, proposals
from ensemble.payments.testing import released_production
from ensemble.projects.testing import make_call

BEFORE = [("community", "0002_record_trend"), ("payments", "0002_comment_edited_deleted")]
NOTIFICATIONS = ("notifications", "0003_held_for_digest")
# After: every migration since too, through the one that merged the tables: the
# current models read the rows back, and they know every column added since.
AFTER = sorted(
    node
    for node in MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes()
    if node[0] in ("community", "payments")
)

T0 = timezone.now() - timedelta(days=3)


def _migrate(targets):
    """The database at `targets`, and the models as they were there."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state([*targets, NOTIFICATIONS]).apps


def _old_site(apps, story, call, proposal, alice, bob, carol):
    """Comments in the old shape: community's on a record, a project and a call, and
    payments' on a proposal, numbered from 1 in each table as a real site's are."""
    Old = apps.get_model("community", "Comment")
    Paid = apps.get_model("payments", "Comment")
    ContentType = apps.get_model("contenttypes", "ContentType")
    NotificationThen = apps.get_model("notifications", "Notification")
    on_film = Old.objects.create(
        id=1,
        record_id=story.film.pk,
        author_id=bob.pk,
        body="Lovely",
        body_html="<p>Lovely</p>",
        created_at=T0,
        edited_at=T0 + timedelta(hours=1),
    )
    Old.objects.create(
        id=2,
        record_id=story.film.pk,
        author_id=alice.pk,
        reply_to_id=1,
        body="Thanks",
        body_html="<p>Thanks</p>",
        created_at=T0 + timedelta(hours=2),
    )
    Old.objects.create(
        id=3,
        project_id=story.project.pk,
        author_id=carol.pk,
        body="",
        body_html="",
        created_at=T0,
        deleted_at=T0 + timedelta(hours=3),
    )
    Old.objects.create(
        id=4,
        call_id=call.pk,
        author_id=carol.pk,
        body="Count me in",
        body_html="<p>In</p>",
        created_at=T0,
    )
    asked = Paid.objects.create(
        id=1,
        proposal_id=proposal.pk,
        author_id=carol.pk,
        body="Fair?",
        body_html="<p>Fair?</p>",
        created_at=T0,
        edited_at=T0 + timedelta(minutes=5),
    )
    Paid.objects.create(
        id=2,
        proposal_id=proposal.pk,
        author_id=alice.pk,
        reply_to_id=1,
        body="Yes",
        body_html="<p>Yes</p>",
        created_at=T0 + timedelta(hours=1),
    )
    Paid.objects.create(
        id=3,
        proposal_id=proposal.pk,
        author_id=bob.pk,
        body="",
        body_html="",
        created_at=T0,
        deleted_at=T0 + timedelta(hours=2),
    )
    for about, recipient in ((on_film, alice), (asked, bob)):
        kind, _ = ContentType.objects.get_or_create(
            app_label=about._meta.app_label, model=about._meta.model_name
        )
        NotificationThen.objects.create(
            recipient_id=recipient.pk, kind="mentioned", about_type=kind, about_id=about.pk
        )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.slow  # migrates the database back and forth
def test_every_comment_and_its_notifications_come_through_and_back(alice, bob, carol, settings):
    settings.PAYMENT_COMMENT_SECONDS = 3600
    story = released_production(alice, bob, carol)
    call = make_call(story.project, title="Backgrounds")
    pool = pools.create_pool(
        story.production, by=alice, kind=Pool.Kind.FIXED_BUDGET, currency="EUR", budget=40_000
    )
    proposal = proposals.make_proposal(pool, by=alice)
    proposals.publish(proposal, by=alice)
    Notification.objects.all().delete()

    _old_site(_migrate(BEFORE), story, call, proposal, alice, bob, carol)
    _migrate(AFTER)

    kept = {c.pk: c for c in Comment.objects.all()}
    assert [(kept[i].subject, kept[i].body) for i in (1, 2, 4)] == [
        (story.film, "Lovely"),
        (story.film, "Thanks"),
        (call, "Count me in"),
    ]
    assert kept[1].edited_at == T0 + timedelta(hours=1)
    assert kept[2].reply_to_id == 1
    assert (kept[3].subject, kept[3].deleted_at) == (story.project, T0 + timedelta(hours=3))
    moved = {c.former_id: c for c in Comment.objects.on(proposal)}
    assert sorted(moved) == [1, 2, 3]
    offset = moved[1].pk - 1
    assert offset >= 4  # past every id either table had handed out
    assert [moved[n].pk for n in (1, 2, 3)] == [offset + 1, offset + 2, offset + 3]
    assert (moved[1].body, moved[1].created_at) == ("Fair?", T0)
    assert moved[1].edited_at == T0 + timedelta(minutes=5)
    assert moved[2].reply_to_id == moved[1].pk
    assert (moved[3].body, moved[3].deleted_at) == ("", T0 + timedelta(hours=2))
    assert all(c.former_id is None for c in kept.values() if c.pk <= 4)
    told = {n.recipient.username: n.about for n in Notification.objects.all()}
    assert told == {"alice": kept[1], "bob": moved[1]}
    assert Notification.objects.get(recipient=bob).link.endswith(
        f"/proposals/{proposal.pk}#comment-{moved[1].pk}"
    )
    page = Client().get(f"/proposals/{proposal.pk}").content.decode()
    assert 'id="comment-1"' in page  # the anchor an email sent before links to
    assert f'id="comment-{moved[1].pk}"' in page
    assert comments.thread_page(story.film)[0][0].answers == [kept[2]]
    made = comments.add(carol, proposal, "And now?")  # the counter is past them all
    assert made.pk > moved[3].pk
    Proposal.objects.filter(pk=proposal.pk).update(window_closes_at=timezone.now())

    apps = _migrate(BEFORE)  # and back: the old ids return
    Old = apps.get_model("community", "Comment")
    Paid = apps.get_model("payments", "Comment")
    assert sorted(Old.objects.values_list("id", "record_id", "project_id", "call_id")) == [
        (1, story.film.pk, None, None),
        (2, story.film.pk, None, None),
        (3, None, story.project.pk, None),
        (4, None, None, call.pk),
    ]
    assert sorted(Paid.objects.values_list("id", "reply_to_id", "body")) == [
        (1, None, "Fair?"),
        (2, 1, "Yes"),
        (3, None, ""),
        (made.pk, None, "And now?"),
    ]
    NotificationThen = apps.get_model("notifications", "Notification")
    bobs = NotificationThen.objects.get(recipient_id=bob.pk)
    assert (bobs.about_type.app_label, bobs.about_type.model, bobs.about_id) == (
        "payments",
        "comment",
        1,
    )
    _migrate(AFTER)
    assert Comment.objects.on(proposal).count() == 4
