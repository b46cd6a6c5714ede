"""Community workflows, one module per concept: `hearts`, `follows`, `comments` (with
mentions), `lists`. Refusals are `core.refusals.Refused`; nothing private leaks."""
