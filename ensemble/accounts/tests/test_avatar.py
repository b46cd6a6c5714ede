"""Avatar uploads on the edit-profile page: re-encoded, stripped, and refused when unsafe;
kept in a bucket when files are, and served from it through the site's own address."""

import functools
import io
import urllib.request

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from ensemble.core import filestore
from ensemble.core.testing import image_bytes

EDIT = reverse("accounts:edit_profile")
ORIENTATION = 0x0112
GPS_IFD = 0x8825


def upload(client, data, name="avatar.png", content_type="image/png", **fields):
    return client.post(
        EDIT,
        {
            "display_name": "Alice Archer",
            "bio": "",
            "links_text": "",
            "avatar": SimpleUploadedFile(name, data, content_type=content_type),
            **fields,
        },
    )


def stored(user):
    """The avatar as stored, opened with Pillow."""
    user.refresh_from_db()
    with default_storage.open(user.avatar.name) as f:
        image = Image.open(io.BytesIO(f.read()))
    image.load()
    return image


def noise_png(size=(300, 300)):
    """A PNG that does not compress, so its byte size is predictable."""
    out = io.BytesIO()
    Image.effect_noise(size, 80).convert("RGB").save(out, "PNG")
    return out.getvalue()


def jpeg_with_gps_and_orientation():
    """A landscape photo, red left half and blue right half, tagged "rotate 90° clockwise".

    Shown upright it is portrait with red on top; the camera also wrote where it was.
    """
    image = Image.new("RGB", (400, 200), "blue")
    image.paste("red", (0, 0, 200, 200))
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[0x010F] = "PhoneCam"
    exif[GPS_IFD] = {1: "N", 2: (48.0, 51.0, 29.0), 3: "E", 4: (2.0, 17.0, 40.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), quality=95)
    return out.getvalue()


@functools.cache
def decompression_bomb_png():
    """20000×20000 pixels (400 megapixels) in about 50 KB: one bit per pixel, all zero."""
    out = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(out, "PNG")
    return out.getvalue()


def one_bit_png(size):
    out = io.BytesIO()
    Image.new("1", size).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def alice_with_avatar(alice_client, alice):
    """Alice after uploading a first avatar; returns the stored file name."""
    response = upload(alice_client, image_bytes("PNG", color="green"))
    assert response.status_code == 302
    alice.refresh_from_db()
    assert default_storage.exists(alice.avatar.name)
    return alice.avatar.name


@pytest.mark.parametrize(
    ("fmt", "name", "content_type"),
    [
        ("PNG", "me.png", "image/png"),
        ("JPEG", "me.jpg", "image/jpeg"),
        ("WEBP", "me.webp", "image/webp"),
        ("GIF", "me.gif", "image/gif"),
    ],
)
def test_uploaded_image_is_stored_as_a_512_square_webp(
    alice_client, alice, fmt, name, content_type
):
    response = upload(alice_client, image_bytes(fmt, size=(300, 200)), name, content_type)

    assert response.status_code == 302
    image = stored(alice)
    assert alice.avatar.name.startswith("avatars/")
    assert alice.avatar.name.endswith(".webp")
    assert image.format == "WEBP"
    assert image.size == (512, 512)


def test_phone_jpeg_with_extra_pictures_is_accepted(alice_client, alice):
    first, depth_map = Image.new("RGB", (64, 64), "red"), Image.new("RGB", (64, 64), "gray")
    out = io.BytesIO()
    first.save(out, "MPO", save_all=True, append_images=[depth_map])

    response = upload(alice_client, out.getvalue(), "photo.jpg", "image/jpeg")

    assert response.status_code == 302
    assert stored(alice).size == (512, 512)


def test_exif_is_stripped_after_applying_the_orientation(alice_client, alice):
    response = upload(alice_client, jpeg_with_gps_and_orientation(), "photo.jpg", "image/jpeg")

    assert response.status_code == 302
    image = stored(alice)
    assert "exif" not in image.info
    assert dict(image.getexif()) == {}
    with default_storage.open(alice.avatar.name) as f:
        raw = f.read()
    assert b"PhoneCam" not in raw
    assert b"Exif" not in raw
    # Upright: red on top, blue at the bottom (unrotated, red would be on the left).
    red, _, blue = image.getpixel((400, 40))  # top right
    assert red > 200
    assert blue < 60
    red, _, blue = image.getpixel((100, 470))  # bottom left
    assert red < 60
    assert blue > 200


def test_avatar_shows_on_the_profile(client, alice_with_avatar):
    page = client.get("/@alice/").content.decode()
    assert f'src="/media/{alice_with_avatar}"' in page
    assert 'alt="Avatar of Alice Archer"' in page


def refused(client, alice, previous, data, message, **kw):
    response = upload(client, data, **kw)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert any(message in error for error in errors.get("avatar", [])), errors
    assert message in response.content.decode()
    alice.refresh_from_db()
    assert alice.avatar.name == previous
    assert default_storage.exists(previous)
    assert default_storage.listdir("avatars")[1] == [previous.removeprefix("avatars/")]


def test_text_file_named_png_is_refused_and_the_old_avatar_stays(
    alice_client, alice, alice_with_avatar
):
    refused(
        alice_client,
        alice,
        alice_with_avatar,
        b"this is not an image at all, just words\n" * 10,
        "The avatar must be a JPEG, PNG, WebP or GIF image.",
    )


def test_svg_is_refused_and_the_old_avatar_stays(alice_client, alice, alice_with_avatar):
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b"<script>alert(1)</script></svg>"
    )
    refused(
        alice_client,
        alice,
        alice_with_avatar,
        svg,
        "The avatar must be a JPEG, PNG, WebP or GIF image.",
        name="avatar.svg",
        content_type="image/svg+xml",
    )


def test_other_image_formats_are_refused(alice_client, alice, alice_with_avatar):
    out = io.BytesIO()
    Image.new("RGB", (32, 32), "red").save(out, "BMP")
    refused(
        alice_client,
        alice,
        alice_with_avatar,
        out.getvalue(),
        "The avatar must be a JPEG, PNG, WebP or GIF image.",
        name="avatar.png",
    )


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_truncated_image_is_refused_and_the_old_avatar_stays(
    alice_client, alice, alice_with_avatar, fmt
):
    out = io.BytesIO()
    Image.effect_noise((200, 200), 80).convert("RGB").save(out, fmt)
    data = out.getvalue()
    refused(
        alice_client,
        alice,
        alice_with_avatar,
        data[: len(data) // 2],
        "The avatar image is damaged and could not be read.",
    )


def test_oversized_file_is_refused_and_the_old_avatar_stays(
    alice_client, alice, alice_with_avatar, settings
):
    data = noise_png()
    # Over the limit, but by less than the body slack: the form's own check refuses it.
    settings.AVATAR_MAX_BYTES = 4096
    data = data[:4096] + data[4096 : 4096 + 32 * 1024]
    assert 4096 < len(data) < 4096 + 64 * 1024
    refused(
        alice_client,
        alice,
        alice_with_avatar,
        data,
        "The avatar is too large; the limit is 4 KB.",
    )


@pytest.mark.slow  # a 400-megapixel image on purpose
def test_decompression_bomb_is_refused_and_the_old_avatar_stays(
    alice_client, alice, alice_with_avatar
):
    data = decompression_bomb_png()
    assert len(data) < 100_000
    refused(
        alice_client,
        alice,
        alice_with_avatar,
        data,
        "The avatar has too many pixels (16 megapixels at most).",
    )


def test_image_over_our_pixel_limit_is_refused(alice_client, alice, alice_with_avatar):
    # 20 megapixels: under Pillow's own bomb threshold, over ours for a PNG.
    refused(
        alice_client,
        alice,
        alice_with_avatar,
        one_bit_png((5000, 4000)),
        "The avatar has too many pixels (16 megapixels at most).",
    )


def test_a_big_jpeg_photo_is_accepted(alice_client, alice):
    photo = image_bytes("JPEG", (6000, 4000), color="seagreen")  # 24 MP, like a phone's
    response = upload(alice_client, photo, "photo.jpg", "image/jpeg")
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.avatar.name.endswith(".webp")


MEASURE_DECODING = """
import os, resource, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "ensemble.test_settings"
import django
django.setup()
from django.core.files.uploadedfile import SimpleUploadedFile
from ensemble.accounts.avatars import process_avatar
data = open(sys.argv[1], "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
process_avatar(SimpleUploadedFile("photo.jpg", data))
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)
"""


@pytest.mark.slow  # starts Python to measure its memory alone
def test_a_big_jpeg_is_decoded_at_reduced_scale(tmp_path):
    """Peak memory of one avatar, measured in a fresh process (Pillow's memory is C's)."""
    import subprocess
    import sys

    photo = tmp_path / "photo.jpg"
    photo.write_bytes(image_bytes("JPEG", (6000, 4000), color="seagreen"))
    grown_kb = int(
        subprocess.run(
            [sys.executable, "-c", MEASURE_DECODING, str(photo)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    # Decoded in full, this photo takes ~195 MB more; at 1/8 scale, next to nothing.
    assert grown_kb < 40 * 1024


def test_replacing_the_avatar_deletes_the_old_file_after_the_commit(
    alice_client, alice, alice_with_avatar, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = upload(alice_client, image_bytes("JPEG", color="navy"), "new.jpg", "image/jpeg")

    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.avatar.name != alice_with_avatar
    assert default_storage.exists(alice.avatar.name)
    # Until the commit, the old file is still there for pages rendered meanwhile.
    assert default_storage.exists(alice_with_avatar)
    for callback in callbacks:
        callback()
    assert not default_storage.exists(alice_with_avatar)
    assert default_storage.exists(alice.avatar.name)


def test_saving_the_profile_without_a_new_file_keeps_the_avatar(
    alice_client, alice, alice_with_avatar, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(
            EDIT, {"display_name": "Alice A.", "bio": "", "links_text": ""}
        )

    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.display_name == "Alice A."
    assert alice.avatar.name == alice_with_avatar
    assert default_storage.exists(alice_with_avatar)


def test_remove_avatar_clears_it_and_deletes_the_file(
    alice_client, alice, alice_with_avatar, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(
            EDIT,
            {"display_name": "Alice Archer", "bio": "", "links_text": "", "remove_avatar": "on"},
        )

    assert response.status_code == 302
    alice.refresh_from_db()
    assert not alice.avatar
    assert not default_storage.exists(alice_with_avatar)
    assert "core/avatar.svg" in alice_client.get("/@alice/").content.decode()


def test_refused_upload_with_remove_ticked_changes_nothing(alice_client, alice, alice_with_avatar):
    refused(
        alice_client,
        alice,
        alice_with_avatar,
        b"not an image",
        "The avatar must be a JPEG, PNG, WebP or GIF image.",
        remove_avatar="on",
    )


def test_an_oversized_body_is_refused_before_it_is_read(alice_client, alice, settings):
    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

    settings.AVATAR_MAX_BYTES = 4096
    body = encode_multipart(
        BOUNDARY,
        {
            "display_name": "Changed",
            "bio": "",
            "links_text": "",
            "avatar": io.BytesIO(b"x" * 200_000),
        },
    )
    response = alice_client.generic(
        "POST",
        reverse("accounts:edit_profile"),
        body,
        content_type=MULTIPART_CONTENT,
    )
    assert response.status_code == 413
    assert "the limit is 4 KB" in response.content.decode()
    alice.refresh_from_db()
    assert alice.display_name == "Alice Archer"


def test_in_a_bucket_the_avatar_is_kept_there_and_served_through_a_fresh_link(
    s3_storage, settings, alice_client, alice, django_capture_on_commit_callbacks
):
    upload(alice_client, image_bytes("PNG", color="green"))
    alice.refresh_from_db()
    first = alice.avatar.name
    assert filestore.media.exists(first)
    assert not settings.MEDIA_ROOT.exists()
    anyone = Client()
    page = anyone.get("/@alice/").content.decode()
    assert f'src="/media/{first}"' in page  # the site's own address, never a signed link

    answer = anyone.get(f"/media/{first}")
    assert answer.status_code == 302
    assert answer["Cache-Control"] == "private, max-age=60"
    with urllib.request.urlopen(answer["Location"], timeout=10) as served:  # noqa: S310
        assert served.headers["Content-Type"] == "image/webp"
        assert served.headers["Cache-Control"] == "public, max-age=3600"
        assert Image.open(io.BytesIO(served.read())).size == (512, 512)

    with django_capture_on_commit_callbacks(execute=True):
        upload(alice_client, image_bytes("PNG", color="navy"))
    alice.refresh_from_db()
    assert filestore.media.exists(alice.avatar.name)
    assert not filestore.media.exists(first)  # the replaced one deleted from the bucket
