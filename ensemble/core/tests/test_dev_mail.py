"""Development email: each message a readable .eml file, its subject and link on the console."""

from __future__ import annotations

import email
import email.policy
import logging
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from ensemble.core import env
from ensemble.core.emails import queue_email
from ensemble.core.testing import run_on_commit_callbacks, run_tasks

LINK = "http://127.0.0.1:8790/accounts/verify/" + "eyJ1IjoxODB9:1xaAF0:" + "w" * 60 + "/"


@pytest.fixture
def mail_folder(settings, tmp_path, monkeypatch):
    folder = tmp_path / "mail"
    monkeypatch.setenv("EMAIL_URL", folder.as_uri())
    settings.MAILERS = {"default": env.mailer_from_url("EMAIL_URL", "console://")}
    return folder


def test_each_email_is_a_readable_file_and_its_link_is_printed_whole(
    db, mail_folder, caplog, alice
):
    caplog.set_level(logging.INFO, logger="ensemble.core.mail")
    for name in ("first", "second"):
        queue_email(
            alice.email,
            "accounts/email/verify",
            {"user": alice, "link": f"{LINK}?{name}", "site_name": "Ensemble – Zoë's"},
        )
    run_on_commit_callbacks()
    run_tasks()  # the worker sends them through the configured backend

    files = sorted(mail_folder.glob("*.eml"))
    assert len(files) == 2  # one file per message
    raw = files[0].read_bytes()
    assert f"{LINK}?first".encode() in raw  # on one line, not quoted-printable
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["To"] == alice.email
    assert "Zoë" in message.get_content()  # UTF-8 as written, and a valid message
    [first, _] = [r for r in caplog.records if r.name == "ensemble.core.mail"]
    text = first.getMessage()
    assert f"Email to {alice.email}: {message['Subject']}" in text
    assert f"\n    link: {LINK}?first\n" in text
    assert files[0].name in text


@pytest.mark.slow  # starts Python to import the settings afresh
def test_debug_without_email_url_writes_into_var_mail(tmp_path):
    def mailer(**environ: str) -> str:
        clean = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", "VAR_DIR": str(tmp_path), **environ}
        return subprocess.run(
            [sys.executable, "-c", "import ensemble.settings as s; print(s.MAILERS['default'])"],
            env=clean,
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    developing = mailer(DEBUG="true")
    assert "FolderEmailBackend" in developing
    assert str(tmp_path / "mail") in developing
    assert "console.EmailBackend" in mailer(DEBUG="true", EMAIL_URL="console://")
    assert "smtp.EmailBackend" in mailer(DEBUG="false", SECRET_KEY="k" * 40)


@pytest.mark.parametrize("url", ["file://var/mail", "file:///", "file:relative"])
def test_a_mail_folder_must_be_an_absolute_path(monkeypatch, url):
    monkeypatch.setenv("EMAIL_URL", url)
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        env.mailer_from_url("EMAIL_URL", "console://")
