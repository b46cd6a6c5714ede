"""Uploading straight into a call: cited, processed, published and entered; or refused
with nothing left behind."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from ensemble.core.refusals import Refused
from ensemble.core.testing import image_bytes
from ensemble.lineage.models import Source
from ensemble.lineage.testing import bare_record
from ensemble.projects import entry_uploads, services
from ensemble.projects.models import Call, Entry, EntryUpload
from ensemble.projects.testing import make_call, make_project
from ensemble.records.models import Record, Version
from ensemble.records.testing import upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(alice):
    return make_project(alice)


@pytest.fixture
def resource(alice):
    return bare_record(alice, title="Turnip Head, the script", kind="text")


@pytest.fixture
def call(project, resource):
    return make_call(
        project, accepted_kinds=["image"], resources=[resource], requires_resources=True
    )


def send(call, who, *, name="drawing.png", data=None, **kw):
    return entry_uploads.upload_entry(
        call,
        by=who,
        title=kw.pop("title", "My turnip"),
        upload=upload(data or image_bytes(), name),
        **kw,
    )


def test_an_upload_is_cited_processed_published_and_entered_dated_when_sent(
    bob, call, resource, tasks
):
    waiting = send(call, bob)
    record = waiting.record
    assert record.visibility == Record.Visibility.DRAFT
    cited = Source.objects.get(derived=record)
    assert (cited.source_id, cited.kind) == (resource.pk, Source.Kind.USES)
    assert not Entry.objects.exists()  # nothing to review until it can be seen

    tasks()
    record.refresh_from_db()
    entry = Entry.objects.get()
    assert record.is_public
    assert (entry.record, entry.entrant) == (record, bob)
    assert entry.created_at == waiting.created_at
    assert not EntryUpload.objects.exists()


def test_an_upload_made_before_the_deadline_is_entered_after_it(bob, call, tasks):
    send(call, bob)
    Call.objects.filter(pk=call.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    tasks()
    assert Entry.objects.get().entrant == bob


def test_a_call_closed_while_processing_keeps_the_record_a_draft_and_says_why(
    alice, bob, call, tasks
):
    waiting = send(call, bob)
    services.set_call_status(call, by=alice, status="closed")
    tasks()
    waiting.refresh_from_db()
    assert "closed" in waiting.problem
    told = bob.notifications.get(kind="entry_upload_not_entered")
    assert told.text == waiting.problem  # told, in case they left the show
    assert not Entry.objects.exists()
    assert Record.objects.get(pk=waiting.record_id).visibility == Record.Visibility.DRAFT
    # It no longer counts against the limit, and the entrant can clear it away.
    entry_uploads.discard(waiting, by=bob)
    assert not EntryUpload.objects.exists()


def refused(code, fn, *args, **kwargs):
    with pytest.raises(Refused) as caught:
        fn(*args, **kwargs)
    assert caught.value.code == code, caught.value.message
    return caught.value


def nothing_kept():
    assert not Record.objects.exists() or set(Record.objects.values_list("title", flat=True)) == {
        "Turnip Head, the script"
    }
    assert not Version.objects.exclude(record__title="Turnip Head, the script").exists()
    assert not EntryUpload.objects.exists()
    assert not Entry.objects.exists()


def test_a_kind_the_call_does_not_take_is_refused_and_nothing_is_kept(bob, call):
    refused("kind_not_accepted", send, call, bob, name="poem.txt", data=b"A turnip, a head")
    nothing_kept()


def test_uploads_count_towards_the_per_person_limit(bob, project, resource):
    call = make_call(project, resources=[resource], max_entries_per_person=1)
    send(call, bob)
    refused("entry_limit", send, call, bob, title="Second")
    assert EntryUpload.objects.count() == 1


def test_after_the_deadline_or_without_a_required_resource_nothing_is_kept(
    alice, bob, call, resource
):
    refused("resource_not_cited", send, call, bob, resource_ids=[])
    with pytest.raises(Refused, match="not one of this call's resources"):
        send(call, bob, resource_ids=[resource.pk + 1000])
    Call.objects.filter(pk=call.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    call.refresh_from_db()
    refused("call_closed", send, call, bob)
    nothing_kept()


def test_a_resource_that_may_not_be_used_is_cited_as_an_inspiration(alice, bob, project):
    locked = bare_record(alice, title="No derivatives", kind="image", licence="cc-by-nd-4.0")
    call = make_call(project, resources=[locked])
    waiting = send(call, bob)
    assert Source.objects.get(derived=waiting.record).kind == Source.Kind.INSPIRED_BY


def test_a_share_alike_resource_chooses_the_licence(alice, bob, project):
    sa = bare_record(alice, title="Share alike", kind="image", licence="cc-by-sa-4.0")
    call = make_call(project, resources=[sa])
    assert send(call, bob).record.licence == "cc-by-sa-4.0"


def test_only_the_entrant_discards_an_upload(bob, carol, call):
    waiting = send(call, bob)
    refused("forbidden", entry_uploads.discard, waiting, by=carol)
    assert EntryUpload.objects.exists()
