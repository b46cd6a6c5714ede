"""Prometheus metrics at `/metrics`, for the addresses METRICS_ALLOWED lists.

Two kinds, both through prometheus_client:

- **Requests**, counted by the web processes as they answer (`RequestMetrics`, first in
  MIDDLEWARE): how many, by method and status class, and how long, by route (the URL
  pattern, so the number of series stays that of the routes). `ensemble serve` gives
  its web processes one PROMETHEUS_MULTIPROC_DIR, emptied at start, so a scrape adds up
  every process of this machine whichever answers it.
- **Background work**, read from the database at each scrape, so that it is the same
  whichever machine is scraped and covers workers anywhere: tasks by state and the
  oldest waiting one's age (`QueueCollector`), and what apps `register` (records: versions
  by processing state, the last hour's processing times and failures).

Nobody else gets an answer but a 404: the figures say how busy the site is.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator

from django.conf import settings
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from ensemble.core import redisqueue
from ensemble.core.ratelimit import client_address

REQUESTS = Counter("ensemble_http_requests", "Requests answered.", ["method", "status"])
DURATION = Histogram(
    "ensemble_http_request_duration_seconds",
    "Time to answer a request, by route.",
    ["route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)


class RequestMetrics:
    """Counts and times every request (first in MIDDLEWARE, so it times the others)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        route = match.route if match is not None and match.route else "unmatched"
        DURATION.labels(route=route).observe(time.perf_counter() - started)
        REQUESTS.labels(method=_method(request), status=f"{response.status_code // 100}xx").inc()
        return response


def _method(request: HttpRequest) -> str:
    """The method, or OTHER: a client must not be able to invent series."""
    known = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
    return request.method if request.method in known else "OTHER"


_collectors: list[Collector] = []


def register(collector: Collector) -> None:
    """An app's figures read at each scrape (from its AppConfig.ready(): core never
    imports the apps; they come to it, as `records.metrics` does)."""
    _collectors.append(collector)


class QueueCollector(Collector):
    """The task queue, read from the database at each scrape."""

    def collect(self) -> Iterator[Metric]:
        yield from _queue()


def _queue() -> Iterator[Metric]:
    tasks = GaugeMetricFamily("ensemble_tasks", "Background tasks by state.", labels=["state"])
    age = GaugeMetricFamily(
        "ensemble_task_queue_oldest_seconds", "How long the oldest waiting task has waited."
    )
    backend = settings.TASKS["default"]["BACKEND"]
    if backend == redisqueue.BACKEND:
        count, oldest_seconds = redisqueue.waiting()
        tasks.add_metric(["ready"], count)
        tasks.add_metric(["running"], redisqueue.running())
        age.add_metric([], oldest_seconds)
        yield from (tasks, age)
        return
    if backend != "django_tasks_db.DatabaseBackend":
        return
    from django_tasks_db.models import DBTaskResult

    for status, n in DBTaskResult.objects.values_list("status").annotate(n=Count("pk")):
        tasks.add_metric([str(status).lower()], n)
    waiting = DBTaskResult.objects.ready()
    oldest = waiting.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    age.add_metric([], (timezone.now() - oldest).total_seconds() if oldest else 0.0)
    yield from (tasks, age)


@require_safe
@never_cache
def view(request: HttpRequest) -> HttpResponse:
    if client_address(request) not in settings.METRICS_ALLOWED:
        raise Http404
    registry = CollectorRegistry()
    collectors: list[Collector] = [QueueCollector(), *_collectors]
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)  # every web process of this machine
    else:
        collectors += [REQUESTS, DURATION]  # this process alone (`runserver`, tests)
    for collector in collectors:
        registry.register(collector)
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
