"""Community workflows, one module per concept: `hearts`, `follows`, `comments` (with
mentions), `lists`, `feed` (a member's home feed), `discover` (what the home page
offers), `trending`, `suggest` (open calls a record could enter), `profile` (what a
profile shows besides the portfolio). Refusals are `core.refusals.Refused`; nothing
private leaks."""
