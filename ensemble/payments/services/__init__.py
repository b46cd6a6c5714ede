"""Payments workflows, one module per concept: `pools` (pools, revenue and costs,
balances), `snapshot` (the lineage frozen for a proposal), `proposals` (compute, revise,
publish, finalize, compare), `explain` (why a line is what it is), `ledger` (what a pool
owes, payouts, earnings), `access` (who may act). Leaders of the production's project act;
refusals are `core.refusals.Refused`. Comments on a proposal go through community's one
comment service, under `payments.comment_policy`."""
