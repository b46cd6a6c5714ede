"""bench/harness.py: environments, throwaway databases, the measuring child, the clock."""

import os
import signal
import subprocess
import sys
import time

import harness
import pytest
from harness import (
    ROOT,
    BenchError,
    Laps,
    bench_env,
    env_count,
    free_port,
    get,
    interleaved,
    measure_in_child,
    percentile,
    process_tree,
    rss_mb,
    serving,
    summary,
    throwaway,
)


def test_a_count_from_the_environment_must_be_a_positive_whole_number(monkeypatch):
    monkeypatch.setenv("BENCH_ROUNDS", "4")
    assert env_count("BENCH_ROUNDS", 3) == 4
    assert env_count("BENCH_UNSET_HERE", 3) == 3
    monkeypatch.setenv("BENCH_ROUNDS", "four")
    with pytest.raises(BenchError, match="must be a whole number"):
        env_count("BENCH_ROUNDS", 3)
    monkeypatch.setenv("BENCH_ROUNDS", "0")
    with pytest.raises(BenchError, match="at least 1"):
        env_count("BENCH_ROUNDS", 3)


def test_the_environment_is_an_operators(tmp_path):
    env = bench_env(tmp_path, "sqlite:///x.sqlite3", SITE_URL="http://testserver", LOG_LEVEL="INFO")
    assert env["DEBUG"] == "false"
    assert env["VAR_DIR"] == str(tmp_path)
    assert env["DATABASE_URL"] == "sqlite:///x.sqlite3"
    assert env["SITE_URL"] == "http://testserver"
    assert env["LOG_LEVEL"] == "INFO"
    assert env["SECRET_KEY"] != bench_env(tmp_path, "sqlite:///x.sqlite3")["SECRET_KEY"]


def test_the_site_is_this_checkouts_and_bench_modules_import(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", "/elsewhere")
    env = bench_env(tmp_path, "sqlite:///x.sqlite3")
    assert env["PYTHONPATH"].split(os.pathsep) == [str(ROOT), "/elsewhere"]
    monkeypatch.delenv("PYTHONPATH")
    assert bench_env(tmp_path, "sqlite:///x.sqlite3")["PYTHONPATH"] == str(ROOT)


def test_a_throwaway_sqlite_database_lives_in_a_folder_gone_afterwards():
    with throwaway("sqlite", "probe", SITE_URL="http://testserver") as db:
        assert db.folder.is_dir()
        assert db.path == db.folder / "probe.sqlite3"
        assert db.env["DATABASE_URL"] == f"sqlite:///{db.path}"
        assert db.env["SITE_URL"] == "http://testserver"
        assert db.where == str(db.path)
    assert not db.folder.exists()


CHILD_MODULE = """
def echo(spec):
    from django.conf import settings
    return {"got": spec, "debug": settings.DEBUG}

def fail(spec):
    raise RuntimeError("measured nothing")
"""


@pytest.fixture
def child_env(tmp_path):
    """A child's environment whose path also finds a small module of ours, `probe`."""
    (tmp_path / "probe.py").write_text(CHILD_MODULE)
    env = bench_env(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite3'}")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(tmp_path), env.get("PYTHONPATH")]))
    return env


@pytest.mark.slow  # starts processes
def test_the_child_runs_the_function_with_django_set_up_and_answers_json(child_env):
    result = measure_in_child("probe:echo", child_env, {"runs": [1, 2]}, show_progress=False)
    assert result == {"got": {"runs": [1, 2]}, "debug": False}


@pytest.mark.slow  # starts processes
def test_a_failing_child_fails_the_run_with_its_error(child_env):
    with pytest.raises(BenchError, match="measured nothing"):
        measure_in_child("probe:fail", child_env, {}, show_progress=False)


def test_the_process_tree_and_its_memory_come_from_proc():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        tree = process_tree(os.getpid())
        assert tree[child.pid] == os.getpid()
        rss, anon = rss_mb(os.getpid())
        assert 0 < anon <= rss
    finally:
        child.kill()
        child.wait()
    assert rss_mb(child.pid) is None


def test_laps_add_up_each_names_time():
    laps = Laps(migrate=1.0)
    with laps("rows"):
        time.sleep(0.01)
    with laps("rows"):
        pass
    assert set(laps) == {"migrate", "rows"}
    assert 0.01 <= laps["rows"] < 1.0


def test_the_percentile_is_the_nearest_rank():
    values = [float(v) for v in range(1, 21)]
    assert [percentile(values, 50), percentile(values, 95), percentile([3.0], 95)] == [10, 19, 3]
    assert summary([5.0, 1.0, 3.0]) == {"median_ms": 3.0, "p95_ms": 5.0, "runs": 3}


def test_calls_are_warmed_up_then_interleaved_round_by_round():
    calls_made: list[str] = []
    times = interleaved(
        {name: lambda name=name: calls_made.append(name) for name in ("a", "b")},
        3,
        warmup={"a": 2, "b": 1},
        enough=lambda name, done: name == "b" and len(done) >= 2,
    )
    assert calls_made == ["a", "a", "b", "a", "b", "a", "b", "a"]
    assert [len(times["a"]), len(times["b"])] == [3, 2]
    assert all(0 <= ms < 1000 for ms in times["a"] + times["b"])


FAKE_SERVE = """\
import http.server
import sys

class Healthz(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass

port = int(sys.argv[sys.argv.index("--port") + 1])
http.server.HTTPServer(("127.0.0.1", port), Healthz).serve_forever()
"""


@pytest.fixture
def fake_ensemble(tmp_path, monkeypatch):
    """An `ensemble` whose `serve` answers /healthz and nothing else."""
    script = tmp_path / "ensemble"
    script.write_text(f"#!{sys.executable}\n{FAKE_SERVE}")
    script.chmod(0o755)
    monkeypatch.setattr(harness, "ENSEMBLE", str(script))
    return tmp_path


def test_the_server_is_up_inside_the_block_and_stopped_after(fake_ensemble):
    port = free_port()
    with serving(os.environ.copy(), port, fake_ensemble / "server.log") as server:
        assert get(port, "/healthz", {}) == (200, "ok")
    assert server.poll() is not None


def test_a_server_that_dies_during_the_run_fails_it(fake_ensemble):
    def run_while_it_dies() -> None:
        with serving(os.environ.copy(), free_port(), fake_ensemble / "server.log") as server:
            server.kill()
            server.wait()

    with pytest.raises(BenchError, match="died during the run"):
        run_while_it_dies()


@pytest.mark.slow  # starts processes
def test_cpu_seconds_count_a_process_and_its_children():
    # The parent waits; only its child spins, so the time can only come from the child.
    spin = "import subprocess, sys; subprocess.run([sys.executable, '-c', 'while True: pass'])"
    parent = subprocess.Popen([sys.executable, "-c", spin], start_new_session=True)
    try:
        deadline = time.monotonic() + 20
        while len(process_tree(parent.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        before = harness.cpu_seconds(parent.pid)
        time.sleep(0.5)
        assert harness.cpu_seconds(parent.pid) - before > 0.1
    finally:
        os.killpg(parent.pid, signal.SIGKILL)
        parent.wait()
