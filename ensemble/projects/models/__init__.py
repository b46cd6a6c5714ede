"""Projects (with leaders, stages, updates, resources), calls, entries and their review."""

from ensemble.projects.models.call import Call, CallResource
from ensemble.projects.models.entry import Decision, Entry, EntryUpload, Score
from ensemble.projects.models.production import Production, Release, ReleaseCredit
from ensemble.projects.models.project import (
    Leader,
    Project,
    ProjectResource,
    Stage,
    StatusUpdate,
    call_visible_to_everyone,
    visible_to_everyone,
)

__all__ = [
    "Call",
    "CallResource",
    "Decision",
    "Entry",
    "EntryUpload",
    "Leader",
    "Production",
    "Project",
    "ProjectResource",
    "Release",
    "ReleaseCredit",
    "Score",
    "Stage",
    "StatusUpdate",
    "call_visible_to_everyone",
    "visible_to_everyone",
]
