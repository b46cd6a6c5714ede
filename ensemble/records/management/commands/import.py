"""`ensemble import DIR --user NAME`: a folder of files becomes draft records.

Every file goes through the same checks as a web upload; the ones refused are listed
at the end with the reason. Processing happens in the worker, as for any upload.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ensemble.accounts.models import User
from ensemble.core.progress import progress_bar
from ensemble.core.refusals import Refused
from ensemble.records import services
from ensemble.records.intake import display_name, title_from_name
from ensemble.records.models import Licence


def files_in(folder: Path) -> list[Path]:
    """Regular files under the folder, sorted; hidden files and symbolic links skipped."""
    found = []
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts) or path.is_symlink():
            continue
        if path.is_file():
            found.append(path)
    return found


class Command(BaseCommand):
    help = "Import a folder of files as draft records of a member."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path)
        parser.add_argument("--user", required=True, help="The username who will own them.")
        parser.add_argument("--licence", default=Licence.ACCORD, choices=Licence.values)
        parser.add_argument("--tags", default="", help="Comma-separated tags for every record.")

    def handle(self, *args: Any, folder: Path, user: str, **options: Any) -> None:
        owner = User.objects.with_username(user).first()
        if owner is None:
            raise CommandError(f"There is no member called {user!r}.")
        if not folder.is_dir():
            raise CommandError(f"{folder} is not a folder.")
        paths = files_in(folder)
        if not paths:
            raise CommandError(f"{folder} has no files to import.")
        tty = self.stdout.isatty()
        imported: list[str] = []
        refused: list[tuple[Path, str]] = []
        for done, path in enumerate(paths, start=1):
            try:
                with path.open("rb") as handle:
                    services.create_record(
                        owner,
                        title=title_from_name(path.name),
                        tags=options["tags"],
                        licence=options["licence"],
                        upload=File(handle, name=path.name),
                    )
                imported.append(str(path.relative_to(folder)))
            except Refused as error:
                refused.append((path.relative_to(folder), error.message))
            except OSError as error:
                refused.append((path.relative_to(folder), f"Could not read it: {error.strerror}."))
            line = f"{progress_bar(done, len(paths))} {display_name(path.name)[:40]}"
            if tty:
                self.stdout.write("\r" + line.ljust(80), ending="")
            else:
                self.stdout.write(line)
        if tty:
            self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {len(imported)} of {len(paths)} files as drafts of @{owner.username}."
            )
        )
        if imported:
            self.stdout.write("They are processed by the worker (`ensemble serve` runs one).")
        if refused:
            self.stdout.write(self.style.WARNING(f"Refused {len(refused)}:"))
            for relative, reason in refused:
                # Names as harmless text: no escape sequences reach the terminal.
                self.stdout.write(f"  {display_name(str(relative).replace('/', ' / '))}: {reason}")
