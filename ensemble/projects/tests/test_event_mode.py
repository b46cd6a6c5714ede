"""Event mode and uploads into a call from the pages: the short link, the QR code, the
phone page, the switch; refusals and strangers."""

from __future__ import annotations

import pytest

from ensemble.core.refusals import Refused
from ensemble.core.testing import image_bytes
from ensemble.lineage.testing import bare_record
from ensemble.projects import events, services
from ensemble.projects.models import Entry, EntryUpload
from ensemble.projects.testing import make_call, make_project
from ensemble.records.models import Record
from ensemble.records.testing import upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def resource(alice):
    return bare_record(alice, title="The script", kind="text")


@pytest.fixture
def call(alice, resource):
    call = make_call(make_project(alice), accepted_kinds=["image", "text"], resources=[resource])
    return events.set_event_mode(call, by=alice, on=True)


def link(call):
    return f"/e/{call.event_code}"


def photo(name="turnip.png"):
    return upload(image_bytes(), name)


def test_event_codes_are_short_and_unambiguous(call):
    assert len(call.event_code) == 6
    assert not set(call.event_code) & set("il1o0")
    assert events.event_url(call) == f"http://testserver/e/{call.event_code}"


def test_only_leaders_switch_event_mode_and_only_on_an_open_project(alice, bob, carol):
    project = make_project(alice)
    call = make_call(project)
    with pytest.raises(Refused) as caught:
        events.set_event_mode(call, by=carol, on=True)
    assert caught.value.code == "forbidden"
    draft = services.create_project(alice, title="Not open yet")
    hidden_call = make_call(draft)
    with pytest.raises(Refused) as caught:
        events.set_event_mode(hidden_call, by=alice, on=True)
    assert caught.value.code == "project_not_open"
    hidden_call.refresh_from_db()
    assert not hidden_call.event_mode


def test_the_link_works_only_while_event_mode_is_on(alice, client, call):
    assert client.get(link(call)).status_code == 200
    assert client.get(f"/e/{call.event_code.upper()}").status_code == 200  # typed in capitals
    assert client.get(f"{link(call)}/qr.svg").status_code == 200
    events.set_event_mode(call, by=alice, on=False)
    assert client.get(link(call)).status_code == 404
    assert client.get(f"{link(call)}/qr.svg").status_code == 404
    assert client.get("/e/nosuch").status_code == 404


def test_the_qr_code_is_an_svg_of_the_short_link(client, call):
    response = client.get(f"{link(call)}/qr.svg")
    assert response["Content-Type"] == "image/svg+xml"
    svg = response.content.decode()
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')  # a document of its own
    assert f"<title>QR code for {events.event_url(call)}</title>" in svg
    assert "<path" in svg
    assert "<script" not in svg


def test_a_visitor_is_asked_to_sign_in_and_sent_back(client, call):
    page = client.get(link(call)).content.decode()
    assert f"/accounts/login/?next=/e/{call.event_code}" in page
    assert f"/accounts/signup/?next=/e/{call.event_code}" in page
    response = client.post(link(call), {"file": photo(), "title": "Sneaky"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not Record.objects.exclude(title="The script").exists()


def test_signing_up_from_the_event_page_comes_back_to_it(client, call, tasks):
    from django.core import mail

    response = client.post(
        f"/accounts/signup/?next={link(call)}",
        {
            "username": "dora",
            "email": "dora@example.org",
            "password": "a long new passphrase",
            "next": link(call),
        },
    )
    assert response.status_code == 302, response.content.decode()[-1500:]
    assert response["Location"] == "/accounts/signup/sent/"  # the same for a known address
    tasks()
    # The emailed link signs this browser in and comes back to the event page.
    verify = mail.outbox[-1].body.split("http://testserver", 1)[1].split()[0]
    assert client.get(verify)["Location"] == link(call)


def test_the_audience_uploads_from_a_phone_and_is_entered_once_processed(
    bob, client, call, resource, tasks
):
    client.force_login(bob)
    response = client.post(link(call), {"file": photo(), "title": "", "resources": [resource.pk]})
    assert response.status_code == 302
    assert response["Location"] == link(call)
    waiting = EntryUpload.objects.get()
    assert waiting.record.title == "turnip"  # from the file name
    page = client.get(link(call)).content.decode()
    assert "Processing" in page
    assert f"/e/{call.event_code}/sent" in page
    tasks()
    fragment = client.get(f"{link(call)}/sent").content.decode()
    assert "Entered" in fragment
    assert "turnip" in fragment
    assert Entry.objects.get().entrant == bob


def test_a_poem_can_be_written_on_the_phone(bob, client, call, tasks):
    client.force_login(bob)
    client.post(link(call), {"body": "A head, a turnip,\nbuttoned up.", "title": "Buttoned"})
    tasks()
    assert Entry.objects.get().record.kind == "text"


def test_bad_uploads_are_refused_on_the_page_and_nothing_is_kept(bob, client, call):
    client.force_login(bob)
    nothing = client.post(link(call), {"title": "Empty"})
    assert nothing.status_code == 400
    assert "Choose a file or write something" in nothing.content.decode()
    both = client.post(link(call), {"file": photo(), "body": "words", "title": "Both"})
    assert both.status_code == 400
    untitled = client.post(link(call), {"body": "words"})
    assert "Give what you wrote a title" in untitled.content.decode()
    wrong_kind = client.post(link(call), {"file": upload(b"ID3" + b"\0" * 64, "song.mp3")})
    assert wrong_kind.status_code == 400
    not_a_resource = client.post(link(call), {"file": photo(), "resources": ["999999"]})
    assert not_a_resource.status_code == 400
    assert not EntryUpload.objects.exists()
    assert not Record.objects.exclude(title="The script").exists()


def test_the_progress_script_gets_json_answers(bob, client, call):
    client.force_login(bob)
    ok = client.post(link(call), {"file": photo()}, headers={"X-Progress-Upload": "1"})
    assert ok.json() == {"location": link(call)}
    bad = client.post(link(call), {"title": "x"}, headers={"X-Progress-Upload": "1"})
    assert bad.status_code == 400
    assert "Choose a file" in bad.json()["errors"][0]


def test_uploading_from_the_call_page(bob, client, call, tasks):
    client.force_login(bob)
    page = client.get(call.get_absolute_url()).content.decode()
    assert "Upload something new into this call" in page
    response = client.post(f"/calls/{call.pk}/upload", {"file": photo("sketch.png")})
    assert response.status_code == 302
    assert "Your uploads being processed" in client.get(call.get_absolute_url()).content.decode()
    tasks()
    assert Entry.objects.get().record.title == "sketch"


def test_the_leader_sees_the_switch_the_qr_code_and_the_screen(alice, bob, client, call):
    client.force_login(alice)
    page = client.get(call.get_absolute_url()).content.decode()
    assert events.event_url(call) in page
    assert "qr.svg" in page
    screen = client.get(f"/calls/{call.pk}/screen")
    assert screen.status_code == 200
    assert events.event_url(call) in screen.content.decode()
    client.post(f"/calls/{call.pk}/event-mode", {"on": "0"})
    call.refresh_from_db()
    assert not call.event_mode
    client.force_login(bob)
    assert client.get(f"/calls/{call.pk}/screen").status_code == 404
    client.post(f"/calls/{call.pk}/event-mode", {"on": "1"})
    call.refresh_from_db()
    assert not call.event_mode


def test_only_the_entrant_removes_an_upload(bob, carol, client, call):
    client.force_login(bob)
    client.post(link(call), {"file": photo()})
    waiting = EntryUpload.objects.get()
    client.force_login(carol)
    assert client.post(f"/uploads/{waiting.pk}/discard").status_code == 404
    client.force_login(bob)
    client.post(f"/uploads/{waiting.pk}/discard", {"from": "event"})
    assert not EntryUpload.objects.exists()
