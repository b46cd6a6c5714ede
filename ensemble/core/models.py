"""Shared tables: the rate-limit counters."""

from django.db import models


class RateCounter(models.Model):
    """Attempts counted in one window of one rate limit (see ensemble.core.ratelimit).

    A table, not the cache, because the count must be exact under concurrency: it is
    raised with one atomic upsert, so parallel guesses cannot slip past the limit.
    """

    key = models.CharField(max_length=120, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField()

    class Meta:
        indexes = [
            # Clearing out finished windows: DELETE … WHERE expires_at < now.
            models.Index(fields=["expires_at"], name="core_ratecounter_expiry"),
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"
