"""The incident's records, one module per family; import them from here (`from incidents.models import Incident`).

Written only by the actions in incidents/actions/ and the features' actions modules (see DESIGN.md, "The spine").
"""

from .changes import Deploy, FlagChange, Service
from .comms import Audience, ComponentState, PublicState, StatusUpdate
from .incident import (
    MAJOR_SEVERITIES,
    OPEN_STATUSES,
    SEVERITY_DEFINITIONS,
    Incident,
    IncidentQuerySet,
    Severity,
    Status,
    Visibility,
)
from .presence import RoomPresence
from .restore import GENERIC_MITIGATIONS, Decision, ImpactAssessment, Mitigation, MitigationKind, Theory
from .roles import ROLE_INSTRUCTIONS, HandOff, Role, RoleAssignment
from .teams import AuditEvent, IncidentMember, Team
from .timeline import POSTABLE_KINDS, EntryKind, TimelineEntry
from .tokens import ApiToken, ApiTokenQuerySet, TokenScope

__all__ = [
    "GENERIC_MITIGATIONS",
    "MAJOR_SEVERITIES",
    "OPEN_STATUSES",
    "POSTABLE_KINDS",
    "ROLE_INSTRUCTIONS",
    "SEVERITY_DEFINITIONS",
    "ApiToken",
    "AuditEvent",
    "ApiTokenQuerySet",
    "Audience",
    "ComponentState",
    "Decision",
    "Deploy",
    "EntryKind",
    "FlagChange",
    "HandOff",
    "ImpactAssessment",
    "Incident",
    "IncidentMember",
    "IncidentQuerySet",
    "Mitigation",
    "MitigationKind",
    "PublicState",
    "Role",
    "RoleAssignment",
    "RoomPresence",
    "Service",
    "Severity",
    "Status",
    "StatusUpdate",
    "Team",
    "Theory",
    "TimelineEntry",
    "TokenScope",
    "Visibility",
]
