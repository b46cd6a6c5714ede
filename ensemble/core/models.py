"""Shared tables: the rate-limit counters and cache generations."""

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


class Generation(models.Model):
    """A counter that says "something changed" for one family of cached results.

    Caches put the current generation in their keys; whatever changes data a family
    depends on bumps it in the same transaction, so stale entries are simply never read
    again (see ensemble.core.generations).
    """

    name = models.CharField(max_length=50, primary_key=True)
    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}: {self.value}"
