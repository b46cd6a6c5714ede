"""`bin/ensure-browser`, which `make test` runs first: finds Chromium, installs it, or says
exactly what to install. Tried on a bare PATH with fake installers, never the real ones."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # runs bin/ensure-browser, which starts Python and Playwright

SCRIPT = Path(__file__).resolve().parents[3] / "bin" / "ensure-browser"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def bare(tmp_path: Path) -> dict[str, str]:
    """A machine that has never had a browser: nothing on PATH, no Playwright download,
    and Playwright's download server unreachable (as behind a firewall)."""
    (tmp_path / "bin").mkdir()
    (tmp_path / "playwright").mkdir()
    return {
        "HOME": str(tmp_path),
        "PATH": str(tmp_path / "bin"),
        "PYTHON": sys.executable,
        "PLAYWRIGHT_BROWSERS_PATH": str(tmp_path / "playwright"),
        "PLAYWRIGHT_DOWNLOAD_HOST": f"http://127.0.0.1:{_closed_port()}",
    }


def _run(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT)], env=env, capture_output=True, text=True, timeout=300, check=False
    )


def _fake(path: Path, body: str) -> None:
    path.write_text(f"#!{sys.executable}\nimport os, sys\n{body}\n")
    path.chmod(0o755)


def test_with_no_way_to_install_it_says_what_to_install(bare):
    result = _run(bare)
    assert result.returncode == 1
    said = result.stdout.splitlines()
    assert said[0] == (
        "Downloading Chromium for the browser tests (python -m playwright install chromium)…"
    )
    assert said[1].startswith("  that failed: ")
    assert said[-1] == "Could not install Chromium here."
    assert "sudo apt-get install chromium" in result.stderr
    assert ".venv/bin/python -m playwright install chromium" in result.stderr
    assert "CHROMIUM=/path/to/chromium" in result.stderr


def test_debian_s_package_is_installed_as_root_or_through_sudo(bare, tmp_path):
    folder = Path(bare["PATH"])
    calls = tmp_path / "apt-calls"
    # apt-get "installs" a chromium beside itself; sudo -n runs what follows its options.
    _fake(
        folder / "apt-get",
        f"open({str(calls)!r}, 'a').write(os.environ['DEBIAN_FRONTEND'] + ' '"
        " + ' '.join(sys.argv[1:]) + '\\n')\n"
        "if 'install' in sys.argv:\n"
        f"    chromium = {str(folder / 'chromium')!r}\n"
        "    open(chromium, 'w').write('#!/bin/sh\\necho Chromium 1\\n')\n"
        "    os.chmod(chromium, 0o755)",
    )
    _fake(
        folder / "sudo",
        "args = [a for a in sys.argv[1:] if a != '-n' and '=' not in a]\n"
        "os.environ.update(a.split('=', 1) for a in sys.argv[1:] if '=' in a)\n"
        "os.execvp(args[0], args)",
    )
    result = _run(bare)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Installing Chromium for the browser tests: Debian's chromium package" in result.stdout
    assert result.stdout.splitlines()[-1] == f"Browser tests: Chromium at {folder / 'chromium'}"
    assert calls.read_text().splitlines() == [
        "noninteractive update -qq",
        "noninteractive install -y -qq chromium",
    ]


def test_the_system_chromium_is_used_as_it_is(bare):
    chromium = Path(bare["PATH"]) / "chromium"
    chromium.write_text("#!/bin/sh\n")
    chromium.chmod(0o755)
    result = _run(bare)
    assert (result.returncode, result.stdout) == (0, f"Browser tests: Chromium at {chromium}\n")


def test_a_chromium_named_by_path_that_is_not_there_is_refused_without_installing(bare):
    result = _run({**bare, "CHROMIUM": "/nowhere/chromium"})
    assert result.returncode == 1
    assert result.stdout == ""
    assert "CHROMIUM=/nowhere/chromium is not an executable file" in result.stderr


def test_the_browser_tests_stop_with_one_message_without_a_browser(tmp_path):
    """A bare `pytest` of the browser tests, with no browser: one message, no errors."""
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/browser"],
        cwd=SCRIPT.parents[1],
        env={**os.environ, "CHROMIUM": str(tmp_path / "none")},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == pytest.ExitCode.USAGE_ERROR
    assert "The browser tests need Chromium" in result.stdout
    assert "ERROR" not in result.stdout
    assert "no tests ran" in result.stdout
