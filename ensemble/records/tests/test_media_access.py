"""Media reaches only people allowed to see it, through links that can't be guessed."""

from __future__ import annotations

import time

import pytest
from django.core import signing
from PIL import Image

from ensemble.core import filestore
from ensemble.records import links, services
from ensemble.records.present import media_for
from ensemble.records.testing import assert_kept_apart, make_record, served, upload
from ensemble.records.tests.samples import images

pytestmark = pytest.mark.django_db


@pytest.fixture
def photo(alice):
    """A draft JPEG with a GPS location in its EXIF, processed."""
    return make_record(alice, data=images.jpeg_with_exif(size=(320, 240)), name="walk.jpg")


def urls(record, viewer):
    record.refresh_from_db()
    return media_for(record.current_version, record, viewer)


def test_draft_media_reaches_the_owner_only(photo, alice, carol, client):
    media = urls(photo, alice)
    client.force_login(alice)
    assert served(client, media.image).status_code == 200
    client.logout()
    assert client.get(media.image).status_code == 404  # anonymous
    client.force_login(carol)
    assert client.get(media.image).status_code == 404  # an outsider with a leaked link


def test_public_media_is_served_to_anyone_with_the_right_headers(photo, alice, client):
    services.publish(photo, by=alice)
    response = served(client, urls(photo, None).image)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert_kept_apart(response)
    assert response["Cache-Control"] == "public, max-age=3600"


def test_others_download_a_copy_without_location_but_the_owner_gets_the_original(
    photo, alice, bob, client
):
    services.publish(photo, by=alice)
    client.force_login(bob)
    theirs = served(client, urls(photo, bob).download).body
    assert images.GPS_POINTER[0] not in theirs
    assert images.GPS_POINTER[1] not in theirs
    client.force_login(alice)
    response = served(client, urls(photo, alice).download)
    original = response.body
    assert any(pointer in original for pointer in images.GPS_POINTER)  # hers, untouched
    assert response["Cache-Control"].startswith("private")  # never in a shared cache
    assert "attachment" in response["Content-Disposition"]


def test_the_original_link_serves_others_the_stripped_copy(photo, alice, bob, client):
    """Even holding the owner's link to the original, others get the clean copy."""
    services.publish(photo, by=alice)
    owners_link = urls(photo, alice).download
    client.force_login(bob)
    body = served(client, owners_link).body
    for pointer in images.GPS_POINTER:
        assert pointer not in body


def test_forged_damaged_and_expired_links_are_404(photo, alice, client, monkeypatch):
    services.publish(photo, by=alice)
    good = urls(photo, None).image
    token = good.split("/")[3]
    assert client.get(good.replace(token, token[:-2] + "xx")).status_code == 404
    forged = signing.dumps([photo.current_version.pk, "original", 0, 2**40], salt="other")
    assert client.get(f"/media/r/{forged}/x.jpg").status_code == 404
    later = time.time() + 3 * links.DAY
    monkeypatch.setattr(links.time, "time", lambda: later)
    assert client.get(good).status_code == 404


def test_range_requests_let_players_seek(photo, alice, client):
    services.publish(photo, by=alice)
    response = served(client, urls(photo, None).image, {"Range": "bytes=0-9"})
    assert response.status_code == 206
    assert len(response.body) == 10
    assert response["Content-Range"].startswith("bytes 0-9/")


def test_a_deleted_records_media_is_gone(photo, alice, client):
    services.publish(photo, by=alice)
    media = urls(photo, None)
    folder = photo.current_version.folder
    services.delete_record(photo, by=alice)
    from ensemble.core.testing import run_on_commit_callbacks

    run_on_commit_callbacks()
    assert client.get(media.image).status_code == 404
    assert filestore.records.names(folder) == []
    client.force_login(alice)
    assert client.get(media.download).status_code == 404


def test_earlier_versions_are_downloadable_by_their_creators_only(photo, alice, bob, client, tasks):
    services.publish(photo, by=alice)
    first = photo.current_version
    services.add_version(photo, by=alice, upload=upload(images.jpeg_with_exif(), "b.jpg"))
    tasks()
    old_link = links.media_url(first, "original", public=True, attachment=True)
    client.force_login(bob)
    assert client.get(old_link).status_code == 404
    client.force_login(alice)
    assert served(client, old_link).status_code == 200


def test_media_of_a_draft_is_served_to_api_clients_with_the_owners_token(photo, alice, client):
    from ensemble.accounts import services as accounts

    secret = accounts.create_access_token(alice, "script").secret
    media = urls(photo, alice)
    assert client.get(media.image).status_code == 404
    response = served(client, media.image, {"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200


def test_served_images_are_upright_and_carry_no_exif(photo, alice, client):
    services.publish(photo, by=alice)
    response = served(client, urls(photo, None).image)
    import io

    with Image.open(io.BytesIO(response.body)) as image:
        assert image.height > image.width  # orientation 6: the 320×240 photo stands up
        assert not image.getexif()
