"""`ensemble backup FOLDER`: the database and every file, into a new folder
(ensemble/core/backup.py says what it holds and how it stays consistent)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ensemble.core import backup
from ensemble.core.filestore import StoreUnavailable
from ensemble.core.management.progressing import Progressing
from ensemble.core.progress import readable_size


class Command(BaseCommand):
    help = "Back up the database and every file into a new folder."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path)

    def handle(self, *args: Any, folder: Path, **options: Any) -> None:
        shown = Progressing(self.stdout, "Copying files")
        try:
            manifest = backup.backup(folder, shown.step)
        except (backup.BackupRefused, StoreUnavailable) as refused:
            raise CommandError(str(refused)) from None
        shown.done()
        count = sum(len(found) for found in manifest["files"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up the {manifest['engine']} database and {count} files "
                f"({readable_size(backup.total_bytes(manifest))}) into {folder}."
            )
        )
        if manifest["gone"]:
            self.stdout.write(
                self.style.WARNING(
                    f"{len(manifest['gone'])} files were removed while the backup ran (their "
                    "records deleted meanwhile); the backup's database still names them: "
                    + ", ".join(manifest["gone"][:10])
                )
            )
