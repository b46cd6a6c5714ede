"""One small site with a thing of every kind a route names, made through the services,
and the URL arguments that point at them (`arguments`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ensemble.accounts.models import User
from ensemble.community.services import comments, lists
from ensemble.lineage.services import add_source
from ensemble.lineage.testing import bare_record
from ensemble.moderation import services as moderation
from ensemble.moderation.models import AuditEntry
from ensemble.payments.services import proposals
from ensemble.payments.testing import pool_with_revenue, released_production
from ensemble.projects.models import Entry
from ensemble.records import cocreators


@dataclass
class Site:
    owner: User  # alice: owns the record, the project, the pool
    values: dict[str, Any] = field(default_factory=dict)  # URL argument → value


def build(alice: User, bob: User, carol: User, mod: User) -> Site:
    story = released_production(alice, bob, carol)
    record = story.film
    remix = bare_record(bob, title="A remix")
    edge = add_source(remix, record, by=bob, note="uses it")
    invited = cocreators.invite_cocreator(record, by=alice, user=carol)
    said = comments.add(bob, record, "A comment")
    shelf = lists.create(alice, title="A list")
    lists.add(shelf, by=alice, record=record)
    pool = pool_with_revenue(story, alice)
    proposal = proposals.publish(proposals.make_proposal(pool, by=alice), by=alice)
    report = moderation.file_report(carol, "record", remix.pk, reason="spam", text="x")
    moderation.decide(report, by=mod, action="remove", note="Spam.")
    entry = AuditEntry.objects.get(action="remove")
    from ensemble.moderation import appeals

    appeal = appeals.appeal(entry, by=bob, text="Not spam.")
    call = story.production.project.calls.first()
    from ensemble.timelines import services as timelines

    cut = timelines.create(story.project, by=alice, title="The cut")
    draft = timelines.start_render(cut, by=alice, quality="draft")
    return Site(
        owner=alice,
        values={
            "record_id": record.pk,
            "cocreator_id": invited.pk,
            "verb": "accept",
            "source_id": edge.pk,
            "slug": story.project.slug,
            "position": 1,
            "production_id": story.production.pk,
            "call_id": call.pk,
            "code": call.event_code,
            "upload_id": 999_999,
            "entry_id": Entry.objects.filter(call=call).first().pk,
            "pool_id": pool.pk,
            "number": 1,
            "payout_id": 999_999,
            "proposal_id": proposal.pk,
            "comment_id": said.pk,
            "kind": "record",
            "target_id": record.pk,
            "list_id": shelf.pk,
            "username": alice.username,
            "report_id": report.pk,
            "appeal_id": appeal.pk,
            "audit_entry_id": entry.pk,
            "token": "not-a-token",
            "token_id": 999_999,
            "export_id": 999_999,
            "uidb64": "MQ",
            "name": "x.png",
            "timeline_id": cut.pk,
            "render_id": draft.pk,
        },
    )
