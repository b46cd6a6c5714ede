"""Records, their versions and renditions, co-creators, and storage use."""

from ensemble.records.models.direct import DirectUpload
from ensemble.records.models.people import CoCreator, StorageUsage
from ensemble.records.models.record import Licence, Record, Tag
from ensemble.records.models.resumable import ResumableUpload
from ensemble.records.models.version import Rendition, Version

__all__ = [
    "CoCreator",
    "DirectUpload",
    "Licence",
    "Record",
    "Rendition",
    "ResumableUpload",
    "StorageUsage",
    "Tag",
    "Version",
]
