"""The payments API: pools and their entries, proposals, lines with explanations,
comments, finalizing, payouts and earnings. One router; each module adds endpoints."""

from ensemble.payments.api import pools, proposals  # noqa: F401 - endpoints
from ensemble.payments.api.base import router

__all__ = ["router"]
