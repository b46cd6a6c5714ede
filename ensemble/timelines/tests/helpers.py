"""What the timelines tests share: a project led by alice, and public media to edit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ensemble.accounts.models import User
from ensemble.core.testing import image_bytes
from ensemble.demo import media
from ensemble.projects.models import Project
from ensemble.projects.testing import make_project
from ensemble.records.models import Record
from ensemble.records.testing import make_record


@dataclass
class Footage:
    project: Project
    clip: Record  # bob's 2 s video, no sound
    picture: Record  # bob's picture
    music: Record  # carol's 3 s of music


def footage(alice: User, bob: User, carol: User, **licences: str) -> Footage:
    """Alice leads the project; bob and carol published what she will cut together."""
    project = make_project(alice)
    clip = make_record(
        bob,
        data=media.animation_test(1, seconds=2.0),
        name="walk.mp4",
        title="The walk",
        publish=True,
        licence=licences.get("clip"),
    )
    picture = make_record(
        bob,
        data=image_bytes(size=(320, 180), color="navy"),
        name="city.png",
        title="The city",
        publish=True,
        licence=licences.get("picture"),
    )
    music = make_record(
        carol,
        data=media.score(seconds=3.0),
        name="score.m4a",
        title="The score",
        publish=True,
        licence=licences.get("music"),
    )
    return Footage(project, clip, picture, music)


def cut(f: Footage, **changes: Any) -> dict[str, Any]:
    """A small timeline: a title, bob's clip and picture, carol's music under them."""
    document: dict[str, Any] = {
        "output": {"width": 320, "height": 180, "fps": 10},
        "video": [
            {"type": "title", "title": "The walk home", "seconds": 1},
            {"type": "clip", "record": f.clip.pk, "in": 0.5, "out": 1.5},
            {"type": "still", "record": f.picture.pk, "seconds": 1, "fit": "fill"},
        ],
        "audio": [[{"record": f.music.pk, "in": 0, "out": 3, "at": 0, "fade_out": 0.5}]],
    }
    document.update(changes)
    return document
