"""The projects API: projects, leaders, calls, entries, decisions, scores, productions.

One router; each module adds its endpoints to it when imported.
"""

from ensemble.projects.api import calls, productions, projects, uploads  # noqa: F401
from ensemble.projects.api.base import router

__all__ = ["router"]
