"""`ensemble restore FOLDER`: a backup (`ensemble backup`) into an empty site."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ensemble.core import backup
from ensemble.core.filestore import StoreUnavailable
from ensemble.core.management.progressing import Progressing
from ensemble.core.progress import readable_size


class Command(BaseCommand):
    help = "Restore a backup made by `ensemble backup` into this empty site."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path)

    def handle(self, *args: Any, folder: Path, **options: Any) -> None:
        shown = Progressing(self.stdout, "Restoring files")
        try:
            manifest = backup.restore(folder, shown.step)
        except (backup.BackupRefused, StoreUnavailable) as refused:
            raise CommandError(f"{refused} Nothing was changed.") from None
        shown.done()
        count = sum(len(found) for found in manifest["files"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored the backup of {manifest['made_at']}: the database and {count} "
                f"files ({readable_size(backup.total_bytes(manifest))}), each checked."
            )
        )
        if manifest["gone"]:
            self.stdout.write(
                self.style.WARNING(
                    f"{len(manifest['gone'])} files named by the database were not in the "
                    "backup (removed while it ran)."
                )
            )
        self.stdout.write("Start the site (`ensemble serve`): it applies any newer migrations.")
