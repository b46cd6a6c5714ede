"""bench/pyload.py: the Python load generator, against a real HTTP/1.1 server in a thread."""

import asyncio
import contextlib
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from harness import BenchError
from pyload import read_response, request_bytes, run_python

pytestmark = pytest.mark.slow  # HTTP servers, and load-generating processes for seconds


class Handler(BaseHTTPRequestHandler):
    """/ok: 200 with a length; /chunked: 200 in chunks; /close: 200, then closes;
    /slow: 200 after 1.5 s; /missing: 404. Keep-alive, as the real server does."""

    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        if self.path == "/chunked":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for piece in (b"hello ", b"chunked ", b"world"):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            self.wfile.write(b"0\r\n\r\n")
            return
        if self.path == "/slow":
            time.sleep(1.5)
        body = b"not here" if self.path == "/missing" else b"ok"
        self.send_response(404 if self.path == "/missing" else 200)
        self.send_header("Content-Length", str(len(body)))
        if self.path == "/close":
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        """Quiet: pytest shows stderr of failures only."""


@contextlib.contextmanager
def server() -> Iterator[int]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd.server_address[1]
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_a_request_carries_its_host_and_headers():
    assert request_bytes("h:1", "/x?y=1", {"Cookie": "a=b"}) == (
        b"GET /x?y=1 HTTP/1.1\r\nHost: h:1\r\nCookie: a=b\r\n\r\n"
    )


@pytest.mark.parametrize(
    ("path", "body", "keep"),
    [("/ok", b"ok", True), ("/chunked", b"hello chunked world", True), ("/close", b"ok", False)],
)
def test_answers_are_read_whole_by_length_or_chunks(path, body, keep):
    async def one(port: int) -> tuple[int, bytes, bool]:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(request_bytes(f"127.0.0.1:{port}", path, {}))
        try:
            return await read_response(reader)
        finally:
            writer.close()

    with server() as port:
        assert run_on_its_own_thread(one(port)) == (200, body, keep)


def run_on_its_own_thread(coroutine: Any) -> Any:
    """`asyncio.run` where no event loop runs: tests without a database run last, after
    the browser tests, whose session-long Playwright keeps a loop running in this thread."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result(timeout=30)


def test_a_run_counts_requests_and_latencies_over_keep_alive_and_closed_connections():
    with server() as port:
        for path in ("/ok", "/close"):
            result = run_python(
                f"http://127.0.0.1:{port}{path}", endpoint=path, connections=4, seconds=1
            )
            assert (result.endpoint, result.connections) == (path, 4)
            assert result.requests > 10
            assert result.requests_per_second > 10
            assert 0 < result.p50_ms <= result.p99_ms


def test_any_answer_but_200_fails_the_run():
    with server() as port, pytest.raises(BenchError, match="404"):
        run_python(
            f"http://127.0.0.1:{port}/missing", endpoint="/missing", connections=2, seconds=1
        )


def test_answers_after_time_is_up_are_awaited_not_counted_but_their_latency_is():
    with server() as port:
        result = run_python(
            f"http://127.0.0.1:{port}/slow", endpoint="/slow", connections=2, seconds=1
        )
    assert result.requests == 0
    assert result.requests_per_second == 0
    assert result.p50_ms >= 1400
