"""Other files (PDF, ZIP, MIDI, PSD, Blender, RTF, ...): kept and offered for download.

Nothing is derived from them: opening these formats means running large parsers on
untrusted input for little gain (a PDF preview, an archive listing), so we don't. The
record shows the file's label, and the original is served as a download with its sniffed
content type.
"""

from __future__ import annotations

from pathlib import Path

from ..base import Detected, Limits, Progress, Result


def process(
    src: Path, found: Detected, out_dir: Path, limits: Limits, progress: Progress
) -> Result:
    progress(1.0)
    return Result(kind="other", metadata={"label": found.label})
