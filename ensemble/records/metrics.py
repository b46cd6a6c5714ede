"""Media processing for /metrics (core.metrics): read from the database at each scrape,
so every machine answers the same, whichever workers did the work."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from django.db.models import Count, DurationField, ExpressionWrapper, F, Sum
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from ensemble.records.models import Version

RECENT = timedelta(hours=1)


class ProcessingCollector(Collector):
    def collect(self) -> Iterator[Metric]:
        states = GaugeMetricFamily(
            "ensemble_record_versions", "Record versions by processing state.", labels=["state"]
        )
        counted = dict(Version.objects.values_list("state").annotate(n=Count("pk")))
        for state in Version.State.values:
            states.add_metric([state], counted.get(state, 0))
        yield states
        since = timezone.now() - RECENT
        took = ExpressionWrapper(F("ready_at") - F("created_at"), output_field=DurationField())
        ready = Version.objects.filter(state=Version.State.READY, ready_at__gte=since).aggregate(
            n=Count("pk"), total=Sum(took)
        )
        yield _gauge("ensemble_processing_ready_last_hour", "Versions made ready.", ready["n"])
        yield _gauge(
            "ensemble_processing_seconds_last_hour",
            "Upload-to-ready seconds of the versions made ready in the last hour, added up.",
            ready["total"].total_seconds() if ready["total"] else 0.0,
        )
        failed = Version.objects.filter(state=Version.State.FAILED, created_at__gte=since)
        yield _gauge(
            "ensemble_processing_failed_last_hour",
            "Versions whose processing failed.",
            failed.count(),
        )


def _gauge(name: str, text: str, value: float) -> GaugeMetricFamily:
    gauge = GaugeMetricFamily(name, text)
    gauge.add_metric([], value)
    return gauge
