"""One processor per kind, each a module with `process(...)` (see `media/base.py`)."""
