"""Generated media for the demo data set: "The Man With a Turnip for a Head".

Why generated: the demo must build anywhere, offline, from nothing, in well under a
minute and a half, and stay small; and no one's real work is borrowed for it. Every
picture is drawn with Pillow, every sound synthesised, every clip encoded with PyAV,
from a seed: the same seed gives the same pictures (and, with this FFmpeg, the same
bytes for sound and video too).

- `poem()`: the writer's narrative poem (title, Markdown body), from `poem.md`.
- `turnip_character(seed)`: one of the call's illustrations (PNG, 480×600).
- `background(kind, seed)`: a prop, a cityscape or side characters (PNG, 640×360).
- `animation_test(seed)`: a pencil test of the character moving (MP4, H.264).
- `reading_video(seed)`: an audience member's phone video of the reading (MP4, H.264 + AAC).
- `score()`, `part(instrument)`: the music, and piano, violin and clarinet parts that
  fit over it (M4A, AAC).
"""

from .backgrounds import BACKGROUND_KINDS, background
from .clips import animation_test, reading_video
from .pictures import turnip_character
from .sound import INSTRUMENTS, part, score
from .text import poem

__all__ = [
    "BACKGROUND_KINDS",
    "INSTRUMENTS",
    "animation_test",
    "background",
    "part",
    "poem",
    "reading_video",
    "score",
    "turnip_character",
]
