"""/metrics: requests counted by route, background work read from the database and the
queue (in the database or on Redis), and
nothing for anyone METRICS_ALLOWED does not list."""

from __future__ import annotations

import http.client
import re

import pytest
from prometheus_client.parser import text_string_to_metric_families

from ensemble.core.testing import run_on_commit_callbacks
from ensemble.records.testing import make_record

pytestmark = pytest.mark.django_db


def scrape(client, **extra) -> dict[tuple[str, tuple], float]:
    response = client.get("/metrics", **extra)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    found = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def test_requests_are_counted_by_status_and_timed_by_route(client):
    before = scrape(client)
    key = ("ensemble_http_requests_total", (("method", "GET"), ("status", "2xx")))
    client.get("/healthz")
    client.get("/healthz")
    client.get("/no/such/page")
    after = scrape(client)
    assert after[key] - before.get(key, 0) == 3  # two health checks and the scrape before
    missing = ("ensemble_http_requests_total", (("method", "GET"), ("status", "4xx")))
    assert after[missing] - before.get(missing, 0) == 1
    timed = ("ensemble_http_request_duration_seconds_count", (("route", "healthz"),))
    assert after[timed] - before.get(timed, 0) == 2
    assert ("ensemble_http_request_duration_seconds_count", (("route", "unmatched"),)) in after


def test_an_invented_method_does_not_make_a_series_of_its_own(client):
    client.generic("BREW", "/healthz")
    found = scrape(client)
    assert any(("method", "OTHER") in labels for _name, labels in found)
    assert not any("BREW" in str(labels) for _name, labels in found)


def test_processing_and_the_queue_are_read_at_each_scrape(client, alice, tasks, task_queue):
    make_record(alice, process=False)
    run_on_commit_callbacks()  # the upload's transaction ends: its processing is queued
    waiting = scrape(client)
    assert waiting[("ensemble_record_versions", (("state", "uploaded"),))] == 1
    assert waiting[("ensemble_tasks", (("state", "ready"),))] >= 1
    assert waiting[("ensemble_task_queue_oldest_seconds", ())] >= 0
    tasks()
    done = scrape(client)
    assert done[("ensemble_record_versions", (("state", "ready"),))] == 1
    assert done[("ensemble_record_versions", (("state", "uploaded"),))] == 0
    assert done[("ensemble_processing_ready_last_hour", ())] == 1
    assert done[("ensemble_processing_seconds_last_hour", ())] >= 0
    assert done[("ensemble_processing_failed_last_hour", ())] == 0


@pytest.mark.parametrize(
    ("address", "forwarded", "proxies"),
    [
        ("203.0.113.9", None, 0),  # anyone on the internet
        ("127.0.0.1", "203.0.113.9", 1),  # anyone, through the site's own proxy
        ("::ffff:10.0.0.8", None, 0),  # an address of the network not listed
    ],
)
def test_only_the_listed_addresses_may_read_them(client, settings, address, forwarded, proxies):
    settings.TRUSTED_PROXY_COUNT = proxies
    extra = {"REMOTE_ADDR": address}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    response = client.get("/metrics", **extra)
    assert response.status_code == 404
    assert b"ensemble_" not in response.content


def test_a_listed_monitor_reads_them_through_the_proxy(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.METRICS_ALLOWED = frozenset({"10.0.0.8"})
    found = scrape(client, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.0.0.8")
    assert ("ensemble_record_versions", (("state", "ready"),)) in found


def test_only_reading_is_allowed(client):
    assert client.post("/metrics").status_code == 405
    assert re.match(r"no-cache|max-age=0", client.get("/metrics")["Cache-Control"])


@pytest.mark.slow  # starts `ensemble serve` with two web processes
def test_a_scrape_adds_up_every_web_process_of_the_machine(tmp_path):
    from ensemble.core.tests.serving import Served

    site = Served(tmp_path, "--no-worker", WEB_WORKERS="2")
    try:
        site.wait_until_up()

        def readyz_count() -> float:
            connection = http.client.HTTPConnection("127.0.0.1", site.port, timeout=5)
            connection.request("GET", "/metrics")
            text = connection.getresponse().read().decode()
            connection.close()
            for family in text_string_to_metric_families(text):
                for sample in family.samples:
                    if sample.name.endswith("_count") and sample.labels == {"route": "readyz"}:
                        return sample.value
            return 0.0

        before = readyz_count()
        # /readyz, which nothing else asks for (`ensemble serve` itself polls /healthz).
        for _ in range(40):  # spread over both processes by the server
            assert site.get("/readyz", timeout=10)[0] == 200
        assert readyz_count() - before == 40
        pids = {p for p in (tmp_path / "metrics").glob("*.db")}
        assert len(pids) >= 2  # each process wrote its own, and the scrape read them all
    finally:
        site.stop()
