"""Pools, proposals with their revisions and lines, and the ledger (comments on a
proposal are `community.Comment`s: see `payments.comment_policy`)."""

from ensemble.payments.models.ledger import LedgerEntry, Payout, PayoutBatch
from ensemble.payments.models.pool import Pool, PoolEntry
from ensemble.payments.models.proposal import Line, Proposal, Revision

__all__ = [
    "LedgerEntry",
    "Line",
    "Payout",
    "PayoutBatch",
    "Pool",
    "PoolEntry",
    "Proposal",
    "Revision",
]
