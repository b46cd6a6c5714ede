"""The image processor: pixel limits, thumbnails, and downloads without private metadata."""

import io
import struct

import pytest
from PIL import Image, ImageFile

from ensemble.records.media import sniff, strip
from ensemble.records.media.base import Limits, MediaError
from ensemble.records.media.processors import image
from ensemble.records.tests.samples import images as samples


def process(tmp_path, data: bytes, limits: Limits | None = None, name: str = "upload"):
    src = tmp_path / name
    src.write_bytes(data)
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    calls = []
    result = image.process(src, sniff.detect(src), out, limits or Limits(), calls.append)
    assert calls
    assert calls[-1] == 1.0
    return result


def rendition(result, role):
    return next((r for r in result.renditions if r.role == role), None)


def encoded(picture: Image.Image, fmt: str, **params) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, fmt, **params)
    return buffer.getvalue()


def has_no_location(path) -> bool:
    data = path.read_bytes()
    with Image.open(path) as opened:
        gps = opened.getexif().get_ifd(0x8825)
    return (
        not gps
        and not any(p in data for p in samples.GPS_POINTER)
        and (samples.XMP_MARKER not in data)
    )


def test_thumbnails_are_webp_and_fit_their_boxes(tmp_path):
    result = process(tmp_path, samples.jpeg_with_exif(size=(3000, 2000), orientation=None))
    large, small = rendition(result, "thumb_large"), rendition(result, "thumb_small")
    assert (large.width, large.height) == (1600, 1067)
    assert (small.width, small.height) == (480, 320)
    for thumb in (large, small):
        assert thumb.content_type == "image/webp"
        with Image.open(thumb.path) as opened:
            assert opened.format == "WEBP"
            assert opened.size == (thumb.width, thumb.height)
    assert result.kind == "image"
    assert result.metadata == {
        "width": 3000,
        "height": 2000,
        "plays_in_browser": True,
        "animated": False,
    }


def test_small_images_are_never_enlarged(tmp_path):
    result = process(tmp_path, samples.png_with_text_chunk(size=(40, 30)))
    for role in ("thumb_large", "thumb_small"):
        assert (rendition(result, role).width, rendition(result, role).height) == (40, 30)


def test_exif_orientation_6_gives_a_portrait_thumbnail(tmp_path):
    result = process(tmp_path, samples.jpeg_with_exif(size=(600, 400), orientation=6))
    assert (result.metadata["width"], result.metadata["height"]) == (400, 600)
    small = rendition(result, "thumb_small")
    assert (small.width, small.height) == (320, 480)
    with Image.open(small.path) as thumb:
        # The bright yellow corner was top-left in the stored pixels; rotated 90° clockwise
        # for display, it is now top-right.
        red, green, blue = thumb.convert("RGB").getpixel((thumb.width - 5, 5))
        assert red > 200
        assert green > 200
        assert blue < 80


def test_location_is_in_the_original_and_in_no_rendition(tmp_path):
    original = samples.jpeg_with_exif(size=(300, 200))
    assert any(p in original for p in samples.GPS_POINTER)
    assert samples.XMP_MARKER in original
    result = process(tmp_path, original)
    assert {r.role for r in result.renditions} == {"thumb_large", "thumb_small", "download"}
    for made in result.renditions:
        assert has_no_location(made.path), made.role


def test_jpeg_download_keeps_the_pixels_and_only_the_orientation(tmp_path):
    original = samples.jpeg_with_exif(size=(300, 200), orientation=6)
    download = rendition(process(tmp_path, original), "download")
    assert download.content_type == "image/jpeg"
    assert download.path.suffix == ".jpg"
    with Image.open(io.BytesIO(original)) as before, Image.open(download.path) as after:
        assert after.tobytes() == before.tobytes()
        assert dict(after.getexif()) == {274: 6}
        assert "comment" not in after.info
        assert "xmp" not in after.info


def test_progressive_jpeg_download_keeps_the_pixels(tmp_path):
    picture = samples.picture((300, 200))
    original = encoded(
        picture, "JPEG", progressive=True, exif=samples.private_exif(orientation=None)
    )
    download = rendition(process(tmp_path, original), "download")
    with Image.open(io.BytesIO(original)) as before, Image.open(download.path) as after:
        assert after.tobytes() == before.tobytes()
        assert not after.getexif()


def test_mpo_download_is_the_first_picture_alone(tmp_path):
    # Phones store extra pictures (depth maps, previews) after the first one, each with
    # its own EXIF; the download is the first picture only.
    first, second = samples.picture((120, 80)), samples.picture((60, 40))
    exif = samples.private_exif(orientation=None)
    original = encoded(first, "MPO", save_all=True, append_images=[second], exif=exif)
    assert sum(original.count(p) for p in samples.GPS_POINTER) == 2
    result = process(tmp_path, original)
    download = rendition(result, "download")
    assert has_no_location(download.path)
    with Image.open(download.path) as after:
        assert after.format == "JPEG"
        assert after.size == (120, 80)


def test_jpeg_without_metadata_has_no_download(tmp_path):
    plain = encoded(samples.picture((100, 80)), "JPEG")
    assert rendition(process(tmp_path, plain), "download") is None


def test_png_text_chunks_and_exif_are_removed(tmp_path):
    original = samples.png_with_text_chunk(size=(64, 48))
    for chunk in (b"tEXt", b"zTXt", b"iTXt", b"eXIf"):
        assert chunk in original
    download = rendition(process(tmp_path, original), "download")
    assert download.content_type == "image/png"
    data = download.path.read_bytes()
    for chunk in (b"tEXt", b"zTXt", b"iTXt", b"eXIf"):
        assert chunk not in data
    with Image.open(io.BytesIO(original)) as before, Image.open(download.path) as after:
        after.load()  # every CRC is checked while reading
        assert after.tobytes() == before.tobytes()
        assert not after.text
    assert has_no_location(download.path)


def test_webp_exif_and_xmp_are_removed_and_the_file_still_opens(tmp_path):
    original = samples.webp_with_exif(size=(64, 48), orientation=None)
    assert b"EXIF" in original
    assert b"XMP " in original
    result = process(tmp_path, original)
    download = rendition(result, "download")
    assert download.content_type == "image/webp"
    data = download.path.read_bytes()
    assert b"EXIF" not in data
    assert b"XMP " not in data
    assert struct.unpack("<I", data[4:8])[0] == len(data) - 8
    vp8x_flags = data[20]
    assert not vp8x_flags & (strip.WEBP_EXIF_FLAG | strip.WEBP_XMP_FLAG)
    with Image.open(io.BytesIO(original)) as before, Image.open(download.path) as after:
        assert after.mode == "RGBA"
        assert after.tobytes() == before.tobytes()
    assert has_no_location(download.path)


def test_webp_orientation_survives_in_a_minimal_exif(tmp_path):
    download = rendition(process(tmp_path, samples.webp_with_exif(orientation=6)), "download")
    with Image.open(download.path) as after:
        assert dict(after.getexif()) == {274: 6}
    assert download.path.read_bytes()[20] & strip.WEBP_EXIF_FLAG


def test_cmyk_jpeg_gets_rgb_thumbnails(tmp_path):
    cmyk = encoded(samples.picture((200, 100), "CMYK"), "JPEG")
    with Image.open(io.BytesIO(cmyk)) as opened:
        assert opened.mode == "CMYK"
    result = process(tmp_path, cmyk)
    with Image.open(rendition(result, "thumb_small").path) as thumb:
        assert thumb.mode == "RGB"
        assert thumb.size == (200, 100)


def test_palette_png_with_transparency_keeps_its_alpha(tmp_path):
    palette = samples.picture((60, 40)).convert("P", palette=Image.Palette.ADAPTIVE, colors=16)
    palette.info["transparency"] = 0
    result = process(tmp_path, encoded(palette, "PNG", transparency=0))
    with Image.open(rendition(result, "thumb_large").path) as thumb:
        assert thumb.mode == "RGBA"
        assert thumb.getextrema()[3][0] == 0  # some pixels are see-through
    assert rendition(result, "download") is None  # nothing to strip


def test_sixteen_bit_grey_is_scaled_not_clipped(tmp_path):
    grey = Image.linear_gradient("L").resize((64, 64)).point(lambda v: v * 257, "I")
    sixteen = grey.convert("I;16")
    result = process(tmp_path, encoded(sixteen, "PNG"))
    with Image.open(rendition(result, "thumb_small").path) as thumb:
        low, high = thumb.convert("L").getextrema()
        assert low < 20
        assert high > 235


def test_animated_gif_uses_its_first_frame(tmp_path):
    result = process(tmp_path, samples.animated_gif(size=(40, 30)))
    assert result.metadata["animated"] is True
    assert result.metadata["plays_in_browser"] is True
    assert (rendition(result, "thumb_small").width, rendition(result, "thumb_small").height) == (
        40,
        30,
    )
    assert rendition(result, "download") is None


def gif_frames(data: bytes) -> list[tuple[bytes, int, int]]:
    """Each frame's pixels, delay and disposal, and the loop count in the last place."""
    frames = []
    with Image.open(io.BytesIO(data)) as gif:
        for index in range(gif.n_frames):
            gif.seek(index)
            frames.append(
                (gif.convert("RGBA").tobytes(), gif.info["duration"], gif.disposal_method)
            )
        frames.append((b"", gif.info["loop"], 0))
    return frames


@pytest.mark.parametrize(
    ("comment", "xmp"), [(b"shot at 48.8584N 2.2945E", False), (None, True), (b"x", True)]
)
def test_a_gif_comment_and_xmp_are_left_out_of_its_download(tmp_path, comment, xmp):
    gif = samples.animated_gif(comment=comment, xmp=xmp)
    assert not comment or comment in gif
    assert not xmp or samples.XMP_MARKER in gif
    result = process(tmp_path, gif)
    download = rendition(result, "download")
    assert download is not None
    assert download.content_type == "image/gif"
    assert (download.width, download.height) == (40, 30)
    data = download.path.read_bytes()
    assert b"\x21\xfe" not in data  # no comment block at all
    assert b"48.8584" not in data
    assert samples.XMP_MARKER not in data
    assert b"NETSCAPE2.0" in data  # the loop count stays
    with Image.open(download.path) as opened:
        assert "comment" not in opened.info
        assert "xmp" not in opened.info
    # Every frame, delay, disposal and the loop count as they were.
    assert gif_frames(data) == gif_frames(gif)


def test_a_gif_without_comments_gets_no_download(tmp_path):
    assert rendition(process(tmp_path, samples.animated_gif()), "download") is None


def test_gif_stripping_drops_a_plain_text_block_with_its_control_block(tmp_path):
    gif = samples.animated_gif()
    at = gif.index(b"\x21\xf9\x04") + 8  # the first control block, 8 bytes long
    assert gif[at] == 0x2C  # ...followed by its image
    control = gif[at - 8 : at]
    plain_text = b"\x21\x01\x0c" + bytes(12) + b"\x0848.8584N\x00"
    src, out = tmp_path / "a.gif", tmp_path / "b.gif"
    src.write_bytes(gif[: at - 8] + control + plain_text + gif[at - 8 :] + b"trailing bytes")
    assert strip.strip_gif(src, out) is True
    assert out.read_bytes() == gif
    assert strip.strip_gif(out, tmp_path / "c.gif") is False


@pytest.mark.parametrize("cut", [5, 14, 40, -2])
def test_a_gif_stripper_refuses_what_it_cannot_follow(tmp_path, cut):
    src = tmp_path / "a.gif"
    src.write_bytes(samples.animated_gif(comment=b"hi")[:cut])
    with pytest.raises(ValueError, match="GIF"):
        strip.strip_gif(src, tmp_path / "b.gif")


def test_tiff_with_exif_is_re_encoded_as_png_without_it(tmp_path):
    tiff = samples.tiff_with_exif(size=(50, 40))
    assert any(p in tiff for p in samples.GPS_POINTER)
    result = process(tmp_path, tiff)
    assert result.metadata["plays_in_browser"] is False
    download = rendition(result, "download")
    assert download.content_type == "image/png"
    with Image.open(io.BytesIO(tiff)) as before, Image.open(download.path) as after:
        assert after.format == "PNG"
        assert after.tobytes() == before.convert("RGB").tobytes()
    assert has_no_location(download.path)


def test_plain_tiff_and_bmp_are_served_as_they_are(tmp_path):
    for fmt in ("TIFF", "BMP"):
        result = process(tmp_path, encoded(samples.picture((50, 40)), fmt))
        assert rendition(result, "download") is None
        assert result.metadata["plays_in_browser"] is False


def test_avif_with_exif_is_re_encoded_as_png(tmp_path):
    avif = encoded(samples.picture((64, 48)), "AVIF", exif=samples.private_exif(orientation=None))
    result = process(tmp_path, avif)
    download = rendition(result, "download")
    assert download.content_type == "image/png"
    assert has_no_location(download.path)


def test_pixel_limit_is_checked_with_the_dimensions_named(tmp_path):
    big = encoded(Image.new("RGB", (4000, 3000), "white"), "JPEG")
    with pytest.raises(MediaError) as caught:
        process(tmp_path, big, Limits(max_image_pixels=10_000_000))
    assert caught.value.message == (
        "The image is 4,000 × 3,000 pixels (12 megapixels); the limit is 10 megapixels."
    )


def test_decompression_bomb_is_refused_from_its_header(tmp_path):
    bomb = samples.bomb_png()
    assert len(bomb) < 200_000
    with pytest.raises(MediaError) as caught:
        process(tmp_path, bomb)
    assert "megapixels" in caught.value.message
    assert "the limit is 100 megapixels" in caught.value.message


def test_a_bomb_just_over_our_limit_names_its_dimensions(tmp_path):
    # 120 megapixels: above our limit, below Pillow's own hard ceiling.
    with pytest.raises(MediaError) as caught:
        process(tmp_path, samples.bomb_png(width=12_000, height=10_000))
    assert caught.value.message.startswith("The image is 12,000 × 10,000 pixels (120 megapixels)")


def test_truncated_images_are_refused(tmp_path):
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
    jpeg = samples.jpeg_with_exif(size=(800, 600))
    png = samples.png_with_text_chunk(size=(300, 300))
    for data in (samples.truncated(jpeg, 0.9), samples.truncated(jpeg, 0.5), png[:-200]):
        with pytest.raises(MediaError) as caught:
            process(tmp_path, data)
        assert caught.value.message == "The image is damaged or incomplete and could not be read."
