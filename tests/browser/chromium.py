"""The Chromium the browser tests drive: found here, and installed by `bin/ensure-browser`.

Looked for in this order: the CHROMIUM variable (a path), `chromium` on PATH (Debian's
package, what CI uses), then Playwright's own download (PLAYWRIGHT_BROWSERS_PATH, by
default ~/.cache/ms-playwright). `make test` runs `bin/ensure-browser` first, which
installs one when none is found: Debian's package when it may (as root, or through sudo
without a password), Playwright's download otherwise; failing both it says what to
install, instead of every browser test erroring out.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys


def how_to_install() -> str:
    """Why there is no browser, and exactly what would give one."""
    explicit = os.environ.get("CHROMIUM")
    why = (
        f"CHROMIUM={explicit} is not an executable file"
        if explicit
        else "CHROMIUM is not set, there is no `chromium` on PATH, and Playwright has not "
        "downloaded its own"
    )
    return f"""\
The browser tests need Chromium, and there is none: {why}. Install one of:
  sudo apt-get install chromium                     (Debian; elsewhere, the system's package)
  .venv/bin/python -m playwright install chromium   (downloads Playwright's build)
or set CHROMIUM=/path/to/chromium. `make test-fast` runs every other test without one."""


def say(line: str) -> None:
    print(line, flush=True)  # before the next step's output, or an error on stderr


def find_chromium() -> str | None:
    """The path of the Chromium to drive, or None when there is none."""
    explicit = os.environ.get("CHROMIUM")
    if explicit:
        return explicit if os.access(explicit, os.X_OK) else None
    return shutil.which("chromium") or playwright_chromium()


def playwright_chromium() -> str | None:
    """Playwright's own Chromium, if it was downloaded (asking Playwright where it goes)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        path = playwright.chromium.executable_path
    return path if os.access(path, os.X_OK) else None


def _can_use_apt() -> list[str] | None:
    """The command prefix that runs apt-get as root here, or None if it cannot."""
    if not shutil.which("apt-get"):
        return None
    if os.geteuid() == 0:
        return []
    if shutil.which("sudo") and _quiet(["sudo", "-n", "true"]):  # -n: never ask a password
        return ["sudo", "-n", "DEBIAN_FRONTEND=noninteractive"]
    return None


def _quiet(command: list[str]) -> bool:
    """Run a command, its output kept back unless it fails; whether it worked."""
    environ = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    result = subprocess.run(command, capture_output=True, text=True, env=environ, check=False)
    if result.returncode:
        lines = (result.stderr + result.stdout).strip().splitlines()
        said = next((line for line in lines if "error" in line.lower()), lines[-1] if lines else "")
        say(f"  that failed: {said.strip() or f'exit code {result.returncode}'}")
    return result.returncode == 0


def _install_with_apt(prefix: list[str]) -> bool:
    how = "as root" if not prefix else "through sudo"
    say(f"Installing Chromium for the browser tests: Debian's chromium package ({how})…")
    return _quiet([*prefix, "apt-get", "update", "-qq"]) and _quiet(
        [*prefix, "apt-get", "install", "-y", "-qq", "chromium"]
    )


def _install_with_playwright() -> bool:
    say("Downloading Chromium for the browser tests (python -m playwright install chromium)…")
    return _quiet([sys.executable, "-m", "playwright", "install", "chromium"])


def ensure() -> int:
    """Find Chromium, or install it; the exit code for `make test` (0: go ahead)."""
    found = find_chromium()
    if not found and not os.environ.get("CHROMIUM"):  # a path given is not second-guessed
        apt = _can_use_apt()
        # Root (a container, CI) takes the system package, which needs no download from
        # Playwright's servers; anyone else first tries Playwright's download, which
        # touches only their own cache, then sudo if it needs no password.
        attempts = [_install_with_playwright]
        if apt is not None:
            attempts.insert(0 if apt == [] else 1, lambda: _install_with_apt(apt))
        for attempt in attempts:
            if attempt() and (found := find_chromium()):
                break
        else:
            say("Could not install Chromium here.")
    if not found:
        print(how_to_install(), file=sys.stderr)
        return 1
    say(f"Browser tests: Chromium at {found}")
    return 0


if __name__ == "__main__":
    sys.exit(ensure())
