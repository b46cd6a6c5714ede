"""Shared helpers for the records tests: sample files and "nothing was stored" checks."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from ensemble.core import filestore
from ensemble.records.models import Record, Version
from ensemble.records.tests.samples import av as av_samples


def video_bytes(tmp_path: Path, **options: object) -> bytes:
    path = tmp_path / f"sample.{options.get('container', 'mp4')}"
    av_samples.write_video(path, seconds=0.5, size=(160, 120), fps=10, **options)  # type: ignore[arg-type]
    return path.read_bytes()


def audio_bytes(tmp_path: Path, container: str = "wav", seconds: float = 0.5) -> bytes:
    path = tmp_path / f"sample.{container}"
    av_samples.write_audio(path, seconds=seconds, container=container)
    return path.read_bytes()


def stored_files() -> list[PurePosixPath]:
    """Every file in the records area (a folder or a bucket prefix of this test's own)."""
    return [PurePosixPath(name) for name in filestore.records.names()]


def assert_nothing_stored() -> None:
    assert not Record.objects.exists()
    assert not Version.objects.exists()
    assert stored_files() == []
