"""Pools, proposals with their revisions, lines and comments, and the ledger."""

from ensemble.payments.models.ledger import LedgerEntry, Payout, PayoutBatch
from ensemble.payments.models.pool import Pool, PoolEntry
from ensemble.payments.models.proposal import Comment, Line, Proposal, Revision

__all__ = [
    "Comment",
    "LedgerEntry",
    "Line",
    "Payout",
    "PayoutBatch",
    "Pool",
    "PoolEntry",
    "Proposal",
    "Revision",
]
