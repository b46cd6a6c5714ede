"""Project, call and entry workflows: every rule checked, every decision logged.

Each function checks who is acting and what they ask, then writes in one transaction. A
refusal is `core.refusals.Refused` (a sentence, a status, a code), as everywhere. One
module per concept; callers use them through this package (`services.submit_entry`).
"""

from ensemble.projects.services.access import can_view_project, is_leader, require_leader
from ensemble.projects.services.calls import create_call, set_call_status
from ensemble.projects.services.entries import (
    decide,
    entered_in,
    lock_for_entry,
    names_hidden_from,
    require_kind,
    require_open,
    score,
    submit_entry,
    visible_entries,
    withdraw_entry,
)
from ensemble.projects.services.projects import (
    add_leader,
    add_resource,
    create_project,
    hide,
    post_update,
    remove_leader,
    remove_resource,
    set_stage_state,
    set_status,
    show,
    taking_part,
)

__all__ = [
    "add_leader",
    "add_resource",
    "can_view_project",
    "create_call",
    "create_project",
    "decide",
    "entered_in",
    "hide",
    "is_leader",
    "lock_for_entry",
    "names_hidden_from",
    "post_update",
    "remove_leader",
    "remove_resource",
    "require_kind",
    "require_leader",
    "require_open",
    "score",
    "set_call_status",
    "set_stage_state",
    "set_status",
    "show",
    "submit_entry",
    "taking_part",
    "visible_entries",
    "withdraw_entry",
]
