"""Browser tests: real Chromium through Playwright, a real SMTP server, axe-core checks.

Chromium is the one tests/browser/chromium.py finds (CHROMIUM, `chromium` on PATH, or
Playwright's download), which `make test` installs first when there is none
(bin/ensure-browser). Run without one, the session stops with one message saying what
to install, instead of every browser test erroring.
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from axe_playwright_python.sync_playwright import Axe
from django.db import connections
from playwright.sync_api import Browser, ConsoleMessage, Page, Response, sync_playwright

from ensemble.core.testing import run_tasks
from tests.browser.chromium import find_chromium, how_to_install

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = pytest.StashKey[str]()  # its path, found once per session
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.path):
            item.add_marker(pytest.mark.browser)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Stop at once, saying what to install, when browser tests are to run without a
    browser (`make test` installs one first; a bare `pytest` may not have)."""
    runs_browser_tests = any(item.get_closest_marker("browser") for item in session.items)
    if runs_browser_tests:
        chromium = find_chromium()
        if chromium is None:
            pytest.exit(how_to_install(), returncode=pytest.ExitCode.USAGE_ERROR)
        session.config.stash[CHROMIUM] = chromium


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> object:
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser(pytestconfig: pytest.Config) -> Iterator[Browser]:
    # Playwright's sync API runs an event loop in this thread, and the tests use the ORM
    # here too (factories, run_tasks). Only while browser tests run, never for the rest.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            headless=True, args=CHROMIUM_ARGS, executable_path=pytestconfig.stash[CHROMIUM]
        )
        yield browser
        browser.close()
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems: list[str] = []  # console errors, CSP violations, failed loads

    def on_console(message: ConsoleMessage) -> None:
        # Failed loads are reported with their URL by on_response instead.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.append(message.text)

    def on_response(response: Response) -> None:
        expected = response.request.resource_type == "document"  # tests check pages
        if response.status >= 400 and not expected:
            problems.append(f"{response.status} for {response.url}")

    page.on("console", on_console)
    page.on("response", on_response)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.problems = problems  # type: ignore[attr-defined]
    yield page
    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    assert not problems, f"The browser reported errors: {problems}"


@pytest.fixture
def check_a11y() -> object:
    """Call on every visited page: axe-core must find no serious or critical issue."""
    axe = Axe()

    def check(page: Page) -> None:
        # Measure colours after transitions end, as a reader sees them.
        page.evaluate("() => Promise.all(document.getAnimations().map(a => a.finished))")
        results = axe.run(page)
        bad = [
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert not bad, f"Accessibility problems on {page.url}:\n" + "\n".join(bad)

    return check


class Inbox:
    """Messages received by a real SMTP server listening on localhost."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.messages.append(message_from_bytes(envelope.content))  # type: ignore[attr-defined]
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp_inbox(settings: object) -> Iterator[Inbox]:
    """Send the site's email through SMTP to a real server, and collect what arrives."""
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {  # type: ignore[attr-defined]
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 10},
        }
    }
    yield inbox
    controller.stop()


@pytest.fixture(scope="session", autouse=True)
def turns(live_server: Any) -> Iterator[threading.Lock]:
    """The lock that lets one request at a time use the database.

    On SQLite the test database is in memory, and the live server's threads share the
    test's one connection: two requests at once (a gallery's thumbnails) used it together
    and sqlite3 answered "bad parameter or other API misuse", a 500. So requests take
    turns, and the task worker below takes the same turns. PostgreSQL gives each thread its
    own connection, but the turns are kept there too, so a test runs the same on both.
    """
    lock = threading.Lock()
    httpd = live_server.thread.httpd
    app = httpd.get_app()

    def one_at_a_time(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        with lock:  # the response body (a file, at most) is sent after
            return app(environ, start_response)

    httpd.set_app(one_at_a_time)
    yield lock
    httpd.set_app(app)


# The task worker uses the shared connection too, and waits for its turn with the requests
# (a batch of tasks at a time), so their transactions never interleave.
class TaskWorker:
    """`ensemble worker` in a thread: runs the queued tasks every 0.3 s until stopped."""

    def __init__(self, live_server: Any, turns: threading.Lock) -> None:
        self.lock = turns  # held by one request, or one run of the tasks
        self.active = threading.Event()
        self.active.set()
        self.errors: list[BaseException] = []
        self._stop = threading.Event()
        self._shared = dict(live_server.thread.connections_override)
        self._thread = threading.Thread(target=self._loop, name="task-worker", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=60)
        assert not self._thread.is_alive(), "The task worker did not stop"

    def _loop(self) -> None:
        for alias, connection in self._shared.items():
            connections[alias] = connection  # as the live server's threads do
        try:
            while not self._stop.is_set():
                if self.active.is_set():
                    with self.lock:
                        try:
                            run_tasks()
                        except Exception as error:  # noqa: BLE001 (reported when the test ends)
                            self.errors.append(error)
                self._stop.wait(0.3)
        finally:
            # Closing is a no-op for the shared in-memory database, but releases any
            # connection this thread opened itself.
            connections.close_all()

    @contextmanager
    def paused(self) -> Iterator[None]:
        """No task runs inside this block (one running now finishes first)."""
        self.active.clear()
        with self.lock:
            pass
        try:
            yield
        finally:
            self.active.set()

    @contextmanager
    def server_held(self) -> Iterator[None]:
        """Requests wait at the server's door, and tasks too, until the block ends.

        Also the way for the test itself to use the database while the browser is busy.
        """
        with self.lock:
            yield


@pytest.fixture
def worker(live_server: Any, turns: threading.Lock) -> Iterator[TaskWorker]:
    worker = TaskWorker(live_server, turns)
    worker.start()
    yield worker
    worker.stop()
    assert not worker.errors, f"Tasks failed in the worker: {worker.errors}"
