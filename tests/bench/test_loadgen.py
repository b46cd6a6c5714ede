"""bench/loadgen.py reads wrk's report, whole seconds included."""

from __future__ import annotations

import pytest
from harness import BenchError
from loadgen import parse_wrk

REPORT = """Running 2s test @ http://127.0.0.1:47121/feed
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   833.88ms  280.36ms   1.86s    75.58%
    Req/Sec    19.70     11.82    45.00     65.00%
  Latency Distribution
     50%  807.17ms
     75%    1.00s~
     90%    1.10s~
     99%    1.86s~
  86 requests in 2.60s, 1.15MB read
Requests/sec:     33.05
Transfer/sec:    452.99KB
""".replace("~", " ")  # wrk pads whole seconds with a trailing space


def test_whole_seconds_padded_with_a_space_are_read():
    result = parse_wrk(REPORT, endpoint="feed", connections=32)
    assert result.requests == 86
    assert result.p50_ms == pytest.approx(807.17)
    assert result.p99_ms == pytest.approx(1860.0)
    assert result.requests_per_second == pytest.approx(33.05)


def test_socket_errors_fail_the_run():
    broken = REPORT.replace(
        "Requests/sec", "  Socket errors: connect 0, read 0, write 0, timeout 1\nRequests/sec"
    )
    with pytest.raises(BenchError, match="socket errors"):
        parse_wrk(broken, endpoint="feed", connections=32)
