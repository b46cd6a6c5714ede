"""Without SITE_URL, the site's links lead where `ensemble serve` listens (HOST, PORT)."""

from __future__ import annotations

import json
import subprocess
import sys
from io import StringIO

import pytest

from ensemble.accounts.testing import make_user
from ensemble.core import env
from ensemble.core.management.commands.serve import Command as Serve
from ensemble.demo.models import DemoAccount


def _settings(**environ: str) -> dict:
    """SITE_URL and ALLOWED_HOSTS as a fresh process with this environment reads them."""
    clean = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", "SECRET_KEY": "k" * 40, **environ}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json, ensemble.settings as s;"
            "print(json.dumps([s.SITE_URL, s.ALLOWED_HOSTS, s.CSRF_TRUSTED_ORIGINS]))",
        ],
        env=clean,
        capture_output=True,
        text=True,
        check=True,
    )
    site, hosts, origins = json.loads(result.stdout)
    return {"site": site, "hosts": hosts, "origins": origins}


@pytest.mark.slow  # starts Python to import the settings afresh
def test_the_default_address_follows_the_port():
    found = _settings(PORT="8790")
    assert found["site"] == "http://127.0.0.1:8790"
    assert "127.0.0.1" in found["hosts"]
    assert found["origins"] == ["http://127.0.0.1:8790"]
    assert _settings()["site"] == "http://127.0.0.1:8000"


@pytest.mark.slow  # starts Python to import the settings afresh
def test_listening_on_every_interface_links_to_the_machines_network_address():
    found = _settings(HOST="0.0.0.0", PORT="8790")  # noqa: S104 - what a live show sets
    lan = env.lan_address()
    assert found["site"] == f"http://{lan}:8790"
    assert "0.0.0.0" not in found["site"]  # noqa: S104 - a link that leads nowhere
    # Phones on the network reach it by that address, this machine by its own name too.
    assert lan in found["hosts"]
    assert {"127.0.0.1", "localhost"} <= set(found["hosts"])


@pytest.mark.slow  # starts Python to import the settings afresh
def test_site_url_when_set_wins_over_where_it_listens():
    found = _settings(SITE_URL="https://ensemble.example.org", PORT="8790")
    assert found["site"] == "https://ensemble.example.org"
    assert found["hosts"] == ["ensemble.example.org"]


def test_listen_url_brackets_ipv6_and_leaves_out_port_80():
    assert env.listen_url("::1", 8000) == "http://[::1]:8000"
    assert env.listen_url("ensemble.local", 80) == "http://ensemble.local"
    assert env.lan_address() not in env.WILDCARD_HOSTS


def test_the_start_up_ends_with_the_address_the_mail_folder_and_the_demo_accounts(
    db, settings, tmp_path
):
    settings.DEBUG = True
    settings.MAILERS = {
        "default": {
            "BACKEND": "ensemble.core.mail.FolderEmailBackend",
            "OPTIONS": {"folder": str(tmp_path / "mail")},
        }
    }
    DemoAccount.objects.create(user=make_user("hana"), role="the producer", password="pw-1")
    out = StringIO()
    Serve(stdout=out).announce("0.0.0.0", 8790, "http://192.168.1.20:8790")  # noqa: S104
    lines = out.getvalue().splitlines()
    assert "Ensemble is running on http://192.168.1.20:8790/" in lines[0]
    assert "listening on 0.0.0.0:8790" in lines[0]
    assert lines[1] == f"Emails go to {tmp_path / 'mail'}/ (one .eml file each)."
    assert lines[-1].split() == ["hana", "pw-1", "the", "producer"]

    settings.DEBUG = False  # production: no passwords in its logs
    out = StringIO()
    Serve(stdout=out).announce("127.0.0.1", 8000, "http://127.0.0.1:8000")
    assert "pw-1" not in out.getvalue()
    assert "listening on" not in out.getvalue()
