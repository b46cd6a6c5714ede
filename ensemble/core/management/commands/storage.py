"""`ensemble storage migrate --to s3://… | --to local`: move the site's files.
`ensemble storage allow-uploads`: let browsers send files straight to the bucket.

Copies every original, rendition, avatar and export from where the site keeps them now
to the other store, with a progress bar, then checks every file arrived with its size
(ensemble/core/storage_migration.py). Run it again after an interruption: it sends only
what is missing. Then set STORAGE_URL to the new place and restart.

`allow-uploads` gives the bucket a CORS rule letting pages of SITE_URL PUT upload parts
to it (records.direct), keeping any other rules it has. Run it once, and again when
SITE_URL changes.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ensemble.core import filestore, multipart, storage_migration
from ensemble.core.filestore import StoreUnavailable
from ensemble.core.management.progressing import Progressing
from ensemble.core.progress import readable_size
from ensemble.core.storage_migration import MigrationRefused


class Command(BaseCommand):
    help = "Copy the site's files to S3-compatible storage (--to s3://…) or back (--to local)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["migrate", "allow-uploads"])
        parser.add_argument(
            "--to",
            help="migrate: s3://KEY:SECRET@BUCKET[/PREFIX]?endpoint=… (as STORAGE_URL), or local.",
        )

    def handle(self, *args: Any, action: str, to: str | None, **options: Any) -> None:
        if action == "allow-uploads":
            self._allow_uploads()
            return
        if not to:
            raise CommandError("Say where to: --to s3://… or --to local.")
        try:
            plans = storage_migration.plan(storage_migration.targets(to.strip()))
        except (MigrationRefused, StoreUnavailable) as refused:
            raise CommandError(f"{refused} Nothing was copied.") from None
        files = sum(len(item.files) for item in plans)
        missing = sum(len(item.missing) for item in plans)
        total = sum(sum(item.missing.values()) for item in plans)
        self.stdout.write(
            f"{files} files; {files - missing} already there; copying {missing} "
            f"({readable_size(total)})."
        )
        try:
            self._copy(plans, missing, total)
        except StoreUnavailable:
            raise CommandError(
                "A store stopped answering during the copy; run the command again to copy "
                "what is still missing."
            ) from None
        wrong = storage_migration.unmatched(plans)
        if wrong:
            shown = "\n  ".join(wrong[:20])
            raise CommandError(
                f"{len(wrong)} files did not arrive whole; run the command again:\n  {shown}"
            )
        self.stdout.write(
            self.style.SUCCESS(f"Checked: all {files} files are there, each with its size.")
        )
        where = "unset STORAGE_URL" if to.strip() == "local" else "set STORAGE_URL to that URL"
        self.stdout.write(
            f"Now {where} and restart the site and its workers; the old copy is left as it "
            "was, to remove when you are satisfied."
        )
        if settings.STORAGE_URL and to.strip() == "local":
            self.stdout.write(f"Files are in {settings.RECORDS_ROOT} and beside it.")

    def _allow_uploads(self) -> None:
        if filestore.records.is_local:
            raise CommandError("Files are kept on this machine (STORAGE_URL is unset).")
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(settings.SITE_URL))
        try:
            multipart.allow_uploads_from(filestore.records, origin)
        except StoreUnavailable as refused:
            raise CommandError(str(refused)) from None
        self.stdout.write(
            self.style.SUCCESS(f"Browsers on {origin} may now send uploads to the bucket.")
        )

    def _copy(self, plans: list[storage_migration.Plan], count: int, total: int) -> None:
        shown = Progressing(self.stdout, "Copying", count=count, total=total)
        storage_migration.copy(plans, shown.step)
        shown.done()
