"""Status updates, stages and resources on the project page, and the resources zip."""

from __future__ import annotations

import io
import zipfile

import pytest

from ensemble.core.testing import image_bytes
from ensemble.projects import services
from ensemble.projects.models import ProjectResource, StatusUpdate
from ensemble.projects.testing import make_project
from ensemble.records.testing import make_record
from ensemble.records.tests.samples import images

pytestmark = pytest.mark.django_db


def test_leaders_post_updates_and_move_stages(alice, carol, client):
    project = make_project(alice)
    client.force_login(alice)
    client.post(f"/projects/{project.slug}/updates", {"body": "**Casting** is open!"})
    client.post(f"/projects/{project.slug}/stages/1", {"state": "active"})
    html = client.get(project.get_absolute_url()).content.decode()
    assert "<strong>Casting</strong>" in html
    assert "pipeline__stage--active" in html
    client.force_login(carol)
    assert client.post(f"/projects/{project.slug}/updates", {"body": "spam"}).status_code == 404
    assert StatusUpdate.objects.count() == 1


def test_the_resources_zip_streams_every_file_without_location_data(alice, client):
    project = make_project(alice)
    photo = make_record(
        alice, data=images.jpeg_with_exif(), name="street.jpg", title="Street", publish=True
    )
    drawing = make_record(alice, data=image_bytes(), name="head.png", title="Head", publish=True)
    services.add_resource(project, by=alice, record=photo)
    client.force_login(alice)
    client.post(f"/projects/{project.slug}/resources", {"record": f"/records/{drawing.pk}"})
    assert ProjectResource.objects.count() == 2

    client.logout()
    response = client.get(f"/projects/{project.slug}/resources.zip")
    assert response["Content-Type"] == "application/zip"
    assert response.streaming
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert sorted(archive.namelist()) == ["head.png", "street.jpg"]
    street = archive.read("street.jpg")
    assert not any(pointer in street for pointer in images.GPS_POINTER)


def test_drafts_are_not_resources(alice):
    from ensemble.core.refusals import Refused

    project = make_project(alice)
    with pytest.raises(Refused, match="public"):
        services.add_resource(project, by=alice, record=make_record(alice))


def test_an_empty_resources_zip_is_404(alice, client):
    project = make_project(alice)
    assert client.get(f"/projects/{project.slug}/resources.zip").status_code == 404
