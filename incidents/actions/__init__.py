"""The only way incident state changes (DESIGN.md, "The spine").

Every action validates, writes in one short transaction (the incident row locked), appends the timeline
entry that records the change; the entry decides what the room refreshes live. Views, the JSON API,
webhooks, commands and tasks all call these.
"""

from warroom.errors import ActionConflict, ActionError, NotAllowed

from .audit import AuditAction, audit, client_address
from .base import body_max_length, clean_choice, clean_text, display_name, lock_incident, title_max_length
from .changes import record_deploy, record_flag_change
from .lifecycle import (
    cadence_minutes,
    change_severity,
    change_status,
    declare_incident,
    default_cadence,
    due_after,
    edit_summary,
    resolve,
    set_drill,
    set_next_update_due,
    sooner_due,
)
from .membership import add_member, may_manage_access, remove_member, set_visibility
from .roles import (
    accept_handoff,
    assign_role,
    briefing,
    cancel_handoff,
    check_command_apart_from_tech_lead,
    hand_over,
    offer_handoff,
    relieve_role,
    rotation_after,
    take_command,
)
from .timeline import post_entry, record
from .tokens import issue_token, revoke_token

__all__ = [
    "ActionConflict",
    "AuditAction",
    "audit",
    "client_address",
    "ActionError",
    "NotAllowed",
    "accept_handoff",
    "assign_role",
    "body_max_length",
    "briefing",
    "cadence_minutes",
    "cancel_handoff",
    "change_severity",
    "change_status",
    "check_command_apart_from_tech_lead",
    "clean_choice",
    "clean_text",
    "declare_incident",
    "default_cadence",
    "display_name",
    "due_after",
    "edit_summary",
    "hand_over",
    "lock_incident",
    "offer_handoff",
    "post_entry",
    "record",
    "record_deploy",
    "record_flag_change",
    "relieve_role",
    "resolve",
    "set_drill",
    "rotation_after",
    "take_command",
    "add_member",
    "may_manage_access",
    "remove_member",
    "set_visibility",
    "issue_token",
    "revoke_token",
    "set_next_update_due",
    "sooner_due",
    "title_max_length",
]
