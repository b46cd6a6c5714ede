"""`make soak`: mixed reads and writes against the real `ensemble serve` for a while, watching
the memory of every process; into docs/benchmarks.md.

Steps:
1. A throwaway site: a temporary VAR_DIR, SQLite in it, DEBUG off, a random SECRET_KEY;
   `ensemble migrate`, `collectstatic` and `demo` (the Turnip Head story, 196 records).
2. In a child process with Django set up (bench/soakmix.py `seed`): MEMBERS members with a
   bearer token each, and an open call taking up to 100 images per person.
3. `ensemble serve` (web and worker) on a random 127.0.0.1 port, with
   TRUSTED_PROXY_COUNT=1 so each member's X-Forwarded-For is its client address: write
   limits per address then count members, as behind a proxy, not the soak as a whole.
4. Every read kind once (each must answer 200); twice as many reads at once as the server
   has threads, for SOAK_FILL seconds (default 20), so every thread has started (see
   `fill_threads`); then SOAK_CLIENTS threads (default 6,
   keep-alive connections) send the mix at SOAK_RATE requests a second (default 12) for
   SOAK_SECONDS (default 600): anonymous and signed-in reads of pages and the API, and
   writes (comments with mentions, hearts, follows, uploads of small generated images,
   uploads straight into the call). Each member writes at most once per 20 s.
5. Every SOAK_SAMPLE seconds (default 5) the RSS of each process of the server's tree
   (`serve`, granian, its workers, the task worker) from /proc.
6. Requests, errors (a read not answering 200, a write not 2xx: the run fails), p50/p99 per
   kind, each process's RSS at the end of the warm-up (SOAK_WARMUP, default a fifth of
   the run) and at the end, and its slope after the warm-up by least squares (MB/min).

`--profile N`: the same site and mix in-process under tracemalloc (bench/soakprofile.py).
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

from harness import (
    ROOT,
    BenchError,
    bench_env,
    env_count,
    free_port,
    manage,
    measure_in_child,
    migrate,
    percentile,
    process_tree,
    run,
    serving,
)
from report import Page, load_average, machine_line, ms, table
from soakmemory import FLAT_MB_PER_MIN, Sampler, command_line, memory_rows
from soakmix import MEMBERS, READS, Call, Mix, pace


@dataclass
class Tally:
    """What the clients saw: latencies by kind, and the errors (kept whole, a few)."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, call: Call, status: int, seconds: float, body: bytes) -> None:
        with self.lock:
            self.latencies[call.kind].append(seconds * 1000)
            if not call.ok(status):
                self.errors.append(f"{call.method} {call.path}: {status} {body[:300]!r}")


def send(port: int, conn: http.client.HTTPConnection | None, call: Call) -> tuple[Any, int, bytes]:
    """One request on a kept-alive connection (a new one after a failure); status 0 when
    the connection failed."""
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(call.method, call.path, body=call.body or None, headers=call.headers)
        response = conn.getresponse()
        return conn, response.status, response.read()
    except (OSError, http.client.HTTPException) as error:
        conn.close()
        return None, 0, repr(error).encode()


# The run -----------------------------------------------------------------------------


def build_site(folder: Path, port: int) -> tuple[dict[str, str], dict[str, Any]]:
    env = bench_env(
        folder,
        f"sqlite:///{folder / 'soak.sqlite3'}",
        SITE_URL=f"http://127.0.0.1:{port}",
        TRUSTED_PROXY_COUNT="1",
        EMAIL_URL=f"file://{folder / 'mail'}",
    )
    print(f"Building the demo in {folder}", flush=True)
    migrate(env, static=True)
    manage(env, "demo")
    site = measure_in_child("soakmix:seed", env, {}, show_progress=False)
    return env, site


def check_reads(port: int, mix: Mix) -> None:
    for kind in READS:
        call = mix.read(mix.members[0])
        while call.kind != kind:
            call = mix.read(mix.members[0])
        _, status, body = send(port, None, call)
        if status != 200:
            raise BenchError(f"{call.path} answered {status}:\n{body[:2000]!r}")


def fill_threads(port: int, mix: Mix, server_pid: int, seconds: int) -> None:
    """Twice as many reads at once as the server has threads, for a few seconds, before the
    soak. granian starts a blocking thread only when all the others are busy, and each one
    costs its process memory for good (its own SQLite connection and caches, a stack), so
    a run would otherwise see the heap step up whenever its load peaked higher than
    before: bounded by WEB_THREADS, but read as a slope."""
    flags = next(
        (line for line in map(command_line, process_tree(server_pid)) if "granian" in line), ""
    )
    workers = re.search(r"--workers (\d+)", flags)
    threads = re.search(r"--blocking-threads (\d+)", flags)
    if not (workers and threads):
        raise BenchError(f"Cannot read granian's workers and threads from: {flags!r}")
    clients, lock = 2 * int(workers[1]) * int(threads[1]), threading.Lock()
    tally, until = Tally(), time.monotonic() + seconds

    def client() -> None:
        conn = None
        while time.monotonic() < until:
            with lock:
                call = mix.read(mix.members[0])
            conn, status, body = send(port, conn, call)
            tally.add(call, status, 0, body)

    threads_ = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads_:
        thread.start()
    for thread in threads_:
        thread.join()
    if tally.errors:
        raise BenchError("Reads failed while filling the threads:\n" + "\n".join(tally.errors[:10]))


def drive(port: int, mix: Mix, *, seconds: int, rate: float, clients: int) -> Tally:
    tally, lock = Tally(), threading.Lock()
    begin, sent = time.monotonic(), [0]

    def client() -> None:
        conn = None
        while True:
            with lock:
                number, now = sent[0], time.monotonic()
                if now - begin >= seconds:
                    return
                sent[0] += 1
                call = mix.next(now)
            pace(begin, number, rate)
            started = time.perf_counter()
            conn, status, body = send(port, conn, call)
            tally.add(call, status, time.perf_counter() - started, body)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally


def soak() -> None:
    seconds = env_count("SOAK_SECONDS", 600)
    warmup = env_count("SOAK_WARMUP", max(1, seconds // 5))
    rate = env_count("SOAK_RATE", 12)
    clients = env_count("SOAK_CLIENTS", 6)
    every = env_count("SOAK_SAMPLE", 5)
    page = Page("make soak", "bench/soak.py")
    with tempfile.TemporaryDirectory(prefix="ensemble-soak-") as tmp:
        folder, port = Path(tmp), free_port()
        env, site = build_site(folder, port)
        mix = Mix(site)
        with serving(env, port, folder / "server.log", worker=True) as server:
            check_reads(port, mix)
            fill_threads(port, mix, server.pid, env_count("SOAK_FILL", 20))
            sampler = Sampler(server.pid, every, time.monotonic())
            sampler.start()
            print(f"Soaking for {seconds} s at {rate} req/s, {clients} clients", flush=True)
            tally = drive(port, mix, seconds=seconds, rate=rate, clients=clients)
            sampler.done.set()
            sampler.join()
    after = load_average()
    memory = memory_rows(sampler, warmup)
    flags = re.findall(r"--(?:workers|blocking-threads) \d+", sampler.granian)
    text = section(
        page,
        tally,
        memory,
        seconds=seconds,
        warmup=warmup,
        rate=rate,
        clients=clients,
        every=every,
        load_after=after,
        flags=", ".join(flags),
    )
    page.publish("soak", text)
    print(text)
    if tally.errors:
        raise BenchError(f"{len(tally.errors)} errors, e.g.:\n" + "\n".join(tally.errors[:10]))


def section(
    page: Page,
    tally: Tally,
    memory: list[dict[str, Any]],
    *,
    seconds: int,
    warmup: int,
    rate: int,
    clients: int,
    every: int,
    load_after: float,
    flags: str,
) -> str:
    total = sum(len(v) for v in tally.latencies.values())
    machine = machine_line(
        "SQLite",
        f"Django {version('django')}",
        f"granian {version('granian')} WSGI (`ensemble serve`: {flags}, and the task worker)",
        load_before=page.load_before,
        memory=False,
        after=f" and {load_after:.1f} when it ended (other engineers' work shares the cores)",
    )
    requests = table(
        ("request", "count", "p50", "p99"),
        "lrrr",
        (
            (kind, f"{len(values):,}", ms(percentile(values, 50)), ms(percentile(values, 99)))
            for kind, values in sorted(tally.latencies.items(), key=lambda kv: -len(kv[1]))
        ),
    )
    processes = table(
        (
            "process",
            "threads",
            "RSS after warm-up → at the end",
            "slope",
            "heap (RssAnon) after warm-up → at the end",
            "slope",
        ),
        "lrrrrr",
        (
            (
                row["process"] + ("" if row["whole_run"] else " (not there the whole time)"),
                "{} → {}".format(*row["threads"]),
                f"{row['rss'][0]:.1f} → {row['rss'][1]:.1f} MB",
                f"{row['rss'][2]:+.2f} MB/min",
                f"{row['anon'][0]:.1f} → {row['anon'][1]:.1f} MB",
                f"{row['anon'][2]:+.2f} MB/min",
            )
            for row in memory
        ),
    )
    # Judged by the heap: RSS also counts the pages of the database file that SQLite maps
    # (`rss_mb`), which grow with the file the soak writes to, not with a leak.
    worst = max(abs(r["anon"][2]) for r in memory[:-1])
    verdict = "flat" if worst < FLAT_MB_PER_MIN else "**growing**"
    return (
        page.header("make soak" if seconds == 600 else f"SOAK_SECONDS={seconds} make soak")
        + f"{machine}\n\n"
        f"{seconds} s at {rate} requests a second from {clients} keep-alive clients, "
        f"{len(READS)} kinds of read and 5 of write from {MEMBERS} members; "
        f"**{total:,} requests, {len(tally.errors)} errors**. Memory sampled every {every} s; "
        f"warm-up: the first {warmup} s.\n\n{requests}\n\n{processes}\n\n"
        f"Every process's heap {verdict} after the warm-up (largest heap slope "
        f"{worst:.2f} MB/min; flat means under {FLAT_MB_PER_MIN} MB/min).\n"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--profile", type=int, metavar="N")
    args = parser.parse_args()

    def in_process() -> None:
        with tempfile.TemporaryDirectory(prefix="ensemble-soak-") as tmp:
            env, site = build_site(Path(tmp), free_port())
            print(measure_in_child("soakprofile:profile", env, {"site": site, "n": args.profile}))

    return run("make soak", in_process if args.profile else soak)


if __name__ == "__main__":
    os.chdir(ROOT)
    sys.exit(main())
