"""Email while developing: each message a readable .eml file, announced on the console.

`make run` (DEBUG on, no EMAIL_URL) sends mail here, into var/mail/. The console backend
printed messages quoted-printable, so a long verification link came out broken across
lines with `=` at each break and could not be copied. Here the file keeps the body as
plain 8-bit text with unfolded lines (still a valid message any mail client opens), and
the log line gives the subject and the first link whole.
"""

from __future__ import annotations

import email.policy
import logging
import re
import threading
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.utils.text import slugify

logger = logging.getLogger(__name__)

# Bodies stay as written: 8-bit UTF-8 instead of quoted-printable, lines up to SMTP's
# 998-character limit instead of 78, so links are never cut.
READABLE = email.policy.default.clone(cte_type="8bit", max_line_length=998, utf8=True)
LINK = re.compile(r"https?://[^\s<>\"']+")


def first_link(text: str) -> str | None:
    match = LINK.search(text)
    return match.group().rstrip(".,;:!?)") if match else None


class FolderEmailBackend(BaseEmailBackend):
    """Writes each message to `<folder>/<time>-<subject>.eml` and logs where it went."""

    def __init__(self, *, folder: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.folder = Path(folder)
        self._lock = threading.Lock()

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        self.folder.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            path = self._write(message)
            link = first_link(str(message.body))
            logger.info(
                "Email to %s: %s\n    link: %s\n    file: %s",
                ", ".join(message.to),
                message.subject,
                link or "(none)",
                _shown(path),
            )
        return len(email_messages)

    def _write(self, message: EmailMessage) -> Path:
        data = message.message(policy=READABLE).as_bytes(policy=READABLE)
        stem = f"{datetime.now():%Y%m%d-%H%M%S-%f}-{slugify(message.subject)[:50] or 'email'}"
        with self._lock:
            for attempt in range(1000):  # two messages in the same microsecond
                path = self.folder / f"{stem}{f'-{attempt}' if attempt else ''}.eml"
                try:
                    with path.open("xb") as out:
                        out.write(data)
                except FileExistsError:
                    continue
                return path
        raise FileExistsError(f"No free file name for {stem}.eml in {self.folder}")


def _shown(path: Path) -> str:
    """The path as the person at the console types it: relative to where they are."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
