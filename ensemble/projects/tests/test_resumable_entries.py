"""Entries sent through a resumable upload (tus) naming the call: checked before a byte is
sent, entered once processed, and refused with nothing kept, like the call page's form."""

from __future__ import annotations

import pytest

from ensemble.accounts.services import create_access_token
from ensemble.core.testing import image_bytes
from ensemble.lineage.models import Source
from ensemble.lineage.testing import bare_record
from ensemble.projects.models import Call, Entry, EntryUpload
from ensemble.projects.testing import make_call, make_project
from ensemble.records.models import Record, ResumableUpload
from ensemble.records.tests.test_resumable import TUS, path_of, send, start

pytestmark = pytest.mark.django_db
PNG = image_bytes(size=(320, 200))


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


@pytest.fixture
def token(bob) -> dict[str, str]:
    return {"Authorization": f"Bearer {create_access_token(bob, 'tus').secret}", **TUS}


def sent(client, token, **fields):
    made = start(client, token, len(PNG), filename="turnip.png", **fields)
    assert made.status_code == 201, made.content
    where = path_of(made["Location"])
    first = send(client, where, token, 0, PNG[:300])
    assert first.status_code == 204  # the connection drops here; the client resumes
    assert client.head(where, headers=token)["Upload-Offset"] == "300"
    return send(client, where, token, 300, PNG[300:])


def test_a_resumable_upload_naming_a_call_is_entered_once_processed(
    client, token, call, resource, bob, tasks
):
    last = sent(client, token, call=str(call.pk), title="My turnip")
    assert last.status_code == 204, last.content
    record = Record.objects.get(title="My turnip")
    assert EntryUpload.objects.filter(call=call, record=record, entrant=bob).exists()
    assert Source.objects.filter(derived=record, source=resource).exists()
    tasks()
    entry = Entry.objects.get(call=call)
    assert (entry.record, entry.entrant) == (record, bob)
    record.refresh_from_db()
    assert record.is_public


@pytest.mark.parametrize(
    ("fields", "status", "words"),
    [
        ({"call": "999999"}, 404, "There is no call"),
        ({"call": "x"}, 404, "There is no call"),
        ({"kind": "audio"}, 422, "This call takes image"),
        ({"resources": "1,x"}, 400, "comma-separated"),
        ({"resources": "999999"}, 422, "not one of this call's resources"),
        ({"resources": ""}, 422, "build on its resources"),
    ],
)
def test_an_entry_the_call_cannot_take_is_refused_before_a_byte_is_sent(
    client, token, call, fields, status, words
):
    fields = {"call": str(call.pk), **fields}
    answer = start(client, token, len(PNG), filename="turnip.png", **fields)
    assert answer.status_code == status, answer.content
    assert words in answer.json()["detail"]
    assert not ResumableUpload.objects.exists()


def test_a_closed_call_refuses_at_once_and_a_draft_projects_call_is_unknown(
    client, token, call, alice
):
    Call.objects.filter(pk=call.pk).update(status=Call.Status.CLOSED)
    answer = start(client, token, len(PNG), filename="turnip.png", call=str(call.pk))
    assert (answer.status_code, answer.json()["code"]) == (409, "call_closed")
    hidden = make_call(make_project(alice, title="Secret"), title="Hidden")
    hidden.project.status = "draft"
    hidden.project.save(update_fields=["status"])
    answer = start(client, token, len(PNG), filename="turnip.png", call=str(hidden.pk))
    assert answer.status_code == 404


def test_a_call_closed_while_the_bytes_came_refuses_the_upload_and_keeps_nothing(
    client, token, call
):
    made = start(client, token, len(PNG), filename="turnip.png", call=str(call.pk))
    where = path_of(made["Location"])
    send(client, where, token, 0, PNG[:300])
    Call.objects.filter(pk=call.pk).update(status=Call.Status.CLOSED)
    last = send(client, where, token, 300, PNG[300:])
    assert last.status_code == 409
    assert "does not take entries" in last.json()["detail"]
    assert ResumableUpload.objects.get().state == ResumableUpload.State.REFUSED
    assert not Record.objects.filter(owner__username="bob").exists()


def test_the_wrong_kind_found_in_the_bytes_refuses_the_entry(client, token, project, resource):
    sounds = make_call(project, accepted_kinds=["audio"], resources=[resource])
    answer = sent(client, token, call=str(sounds.pk))
    assert answer.status_code == 422
    assert answer.json()["code"] == "kind_not_accepted"
    assert not EntryUpload.objects.exists()


def test_the_page_after_a_resumable_entry_says_it_was_sent(client, token, call, bob, carol):
    made = start(client, token, len(PNG), filename="turnip.png", call=str(call.pk), title="Mine")
    upload_id = path_of(made["Location"]).rsplit("/", 1)[1]
    send(client, path_of(made["Location"]), token, 0, PNG)
    client.force_login(bob)
    answer = client.get(f"/calls/{call.pk}/upload/sent?to=call&upload={upload_id}", follow=True)
    assert answer.redirect_chain[-1][0] == call.get_absolute_url()
    assert (
        "“Mine” is uploaded; it is entered as soon as it is processed." in answer.content.decode()
    )
    client.force_login(carol)  # not hers: nothing said, nothing told of it
    answer = client.get(f"/calls/{call.pk}/upload/sent?to=call&upload={upload_id}", follow=True)
    assert "“Mine”" not in answer.content.decode()
    odd = client.get(f"/calls/{call.pk}/upload/sent?upload=%00../x")
    assert odd.status_code == 302
