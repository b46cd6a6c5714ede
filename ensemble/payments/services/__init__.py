"""Payments workflows, one module per concept: `pools` (pools, revenue and costs),
`snapshot` (the lineage frozen for a proposal), `proposals` (compute, revise, publish,
finalize), `ledger` (balances, earnings, payouts). Leaders of the production's project
act; refusals are `core.refusals.Refused`. Comments on a proposal go through community's
one comment service, under `payments.comment_policy`."""
