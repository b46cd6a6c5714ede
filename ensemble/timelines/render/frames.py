"""Where a picture lands in the output frame, and the yuv420p arithmetic to put it there.

Fit modes (plan.Fit), for a picture shown at its display size (rotation and non-square
pixels applied):
- fit: scaled to fit inside the frame, centred, the rest black;
- fill: scaled to cover the frame, the overflow cropped evenly on both sides;
- crop: at its own pixel size (times the draft's reduction, so a draft frames it as the
  final will), centred, cropped where larger and on black where smaller.

Sizes and offsets are kept even so the half-size chroma planes line up with the luma
plane. Pictures are composed in yuv420p with numpy slices on the frames' own planes: a
copy of the rows that show, never a conversion to RGB and back.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from av.video.frame import VideoFrame
from av.video.plane import VideoPlane

from ..plan import Fit

# Black and grey in limited-range YUV: luma 16–235, chroma 128 for no colour.
BLACK_LUMA = 16
NEUTRAL_CHROMA = 128
# FFmpeg's AVColorSpace and AVColorRange numbers.
_AVCOL_SPC_BT709 = 1
_BT601_SPACES = (5, 6)  # BT470BG (PAL), SMPTE170M (NTSC)
_AVCOL_RANGE_JPEG = 2
# np.rot90's quarter turns (counterclockwise) that show a picture stored turned by
# this many degrees clockwise upright.
_UPRIGHT_TURNS = {90: -1, 180: 2, 270: 1}


@dataclass(frozen=True)
class Placement:
    """A picture scaled to `width` × `height`, its top-left corner at (`left`, `top`) of
    the frame; negative offsets mean it is cropped on that side."""

    width: int
    height: int
    left: int
    top: int

    def covers_exactly(self, width: int, height: int) -> bool:
        return (self.width, self.height, self.left, self.top) == (width, height, 0, 0)


def place(size: tuple[int, int], fit: Fit, frame: tuple[int, int], scale: float) -> Placement:
    """Where a picture of display `size` goes in a `frame`-sized output (see module doc)."""
    width, height = size
    frame_width, frame_height = frame
    if fit == "fit":
        factor = min(frame_width / width, frame_height / height)
    elif fit == "fill":
        factor = max(frame_width / width, frame_height / height)
    else:
        factor = scale
    scaled_width, scaled_height = _even(width * factor), _even(height * factor)
    # Rounding must not leave a one-pixel bar (fill) or overflow (fit) on the side that
    # the factor was chosen to match exactly.
    if fit == "fit":
        scaled_width, scaled_height = (
            min(scaled_width, frame_width),
            min(scaled_height, frame_height),
        )
    elif fit == "fill":
        scaled_width, scaled_height = (
            max(scaled_width, frame_width),
            max(scaled_height, frame_height),
        )
    return Placement(
        width=scaled_width,
        height=scaled_height,
        left=_even_floor((frame_width - scaled_width) // 2),
        top=_even_floor((frame_height - scaled_height) // 2),
    )


def _even(value: float) -> int:
    return max(2, round(value / 2) * 2)


def _even_floor(value: int) -> int:
    return value - value % 2


def scale(frame: VideoFrame, width: int, height: int) -> VideoFrame:
    """`frame` at `width` × `height` in yuv420p, in what the output is tagged as: the
    BT.709 matrix and limited range. One swscale pass does size, format and colour.

    The source's matrix is the one its stream names; an untagged stream is taken the way
    players take it (BT.709 from 720 lines up, BT.601 below). A frame already of that size,
    format and colour passes through untouched.
    """
    if frame.colorspace in _BT601_SPACES or (
        frame.colorspace != _AVCOL_SPC_BT709 and frame.height < 720
    ):
        matrix = "ITU601"
    else:
        matrix = "ITU709"  # also what we assume for BT.2020 (HDR is not converted)
    full = frame.color_range == _AVCOL_RANGE_JPEG or frame.format.name.startswith("yuvj")
    return frame.reformat(
        width=width,
        height=height,
        format="yuv420p",
        src_colorspace=matrix,
        dst_colorspace="ITU709",
        src_color_range="JPEG" if full else "MPEG",
        dst_color_range="MPEG",
    )


def plane_array(plane: VideoPlane) -> np.ndarray:
    """A writable numpy view of a plane's pixels, without its row padding."""
    rows = np.frombuffer(plane, np.uint8).reshape(plane.height, plane.line_size)
    return rows[:, : plane.width]


def blank(width: int, height: int, luma: int = BLACK_LUMA) -> VideoFrame:
    """A new yuv420p frame of one grey (black by default)."""
    frame = VideoFrame(width, height, "yuv420p")
    y, u, v = (plane_array(plane) for plane in frame.planes)
    y[:] = luma
    u[:] = NEUTRAL_CHROMA
    v[:] = NEUTRAL_CHROMA
    return frame


def compose(
    picture: VideoFrame, placement: Placement, frame: tuple[int, int], rotation: int = 0
) -> VideoFrame:
    """A new black frame with `picture` (yuv420p, already scaled to the placement's size
    in its stored orientation) turned upright by `rotation` and copied into place."""
    out = blank(*frame)
    for source_plane, target_plane, factor in zip(
        picture.planes, out.planes, (1, 2, 2), strict=True
    ):
        source = plane_array(source_plane)
        if rotation in _UPRIGHT_TURNS:
            source = np.rot90(source, _UPRIGHT_TURNS[rotation])
        target = plane_array(target_plane)
        left, top = placement.left // factor, placement.top // factor
        # The part of the picture inside the frame, in picture and in frame coordinates.
        x0, y0 = max(0, -left), max(0, -top)
        x1 = min(source.shape[1], target.shape[1] - left)
        y1 = min(source.shape[0], target.shape[0] - top)
        if x1 > x0 and y1 > y0:
            target[top + y0 : top + y1, left + x0 : left + x1] = source[y0:y1, x0:x1]
    return out
