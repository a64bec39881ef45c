"""Request and response shapes of the restore-stage API (incidents/restore/api.py), for the OpenAPI schema."""

from datetime import datetime

from ninja import Field, Schema

from incidents.api import SeverityName
from incidents.models import Decision, Theory
from warroom.choices import choice_literal
from warroom.schema import Moment

OutcomeName = choice_literal(Decision.Outcome)
TheoryStateName = choice_literal(Theory.State)


class DeployIn(Schema):
    service: str = Field(description="service slug")
    version: str
    environment: str = "production"
    deployed_at: Moment | None = None
    deployed_by: str = ""
    url: str = ""
    external_id: str = Field("", description="the sender's id: a repeated delivery with the same id is stored once")


class DeployOut(Schema):
    id: int
    service: str
    version: str
    environment: str
    deployed_at: datetime
    deployed_by: str
    url: str


class FlagChangeIn(Schema):
    service: str = Field(description="service slug")
    flag: str
    enabled: bool
    changed_at: Moment | None = None
    changed_by: str = ""
    url: str = ""


class FlagChangeOut(Schema):
    id: int
    service: str
    flag: str
    enabled: bool
    changed_at: datetime
    changed_by: str


class MitigationOut(Schema):
    kind: str
    label: str
    preconditions: str
    risk: str


class ServiceRecoveryOut(Schema):
    service: str
    mitigations: list[MitigationOut]


class RecoveryOut(Schema):
    services: list[ServiceRecoveryOut]
    deploys: list[DeployOut]
    flag_changes: list[FlagChangeOut]
    preceding_deploy: int | None = Field(description="the last deploy before impact started")


class AssessmentIn(Schema):
    services: list[str] | None = Field(None, description="service slugs; they become the incident's affected services")
    users_affected_pct: int = Field(ge=0, le=100)
    core_flow_down: bool
    customer_visible: bool = False
    notes: str = ""


class AssessmentOut(Schema):
    id: int
    suggested_severity: SeverityName
    reason: str
    services: list[str]
    users_affected_pct: int
    core_flow_down: bool
    customer_visible: bool
    confirmed_severity: SeverityName | None


class ConfirmIn(Schema):
    severity: SeverityName | None = Field(None, description="leave out to accept the suggestion")
    reason: str = ""


class TimestampsIn(Schema):
    started_at: Moment | None = None
    detected_at: Moment | None = None
    acknowledged_at: Moment | None = None


class DecisionIn(Schema):
    question: str
    options: list[str] = Field(default_factory=list)
    chosen: str
    risk: str = ""
    revert_plan: str = ""
    owner: str | None = Field(None, description="username; defaults to the Tech Lead")
    timebox_minutes: int | None = None
    decide: bool = Field(False, description="the Incident Commander proposes and decides in one step")


class DecisionOut(Schema):
    id: int
    incident: int
    question: str
    options: list[str]
    chosen: str
    risk: str
    revert_plan: str
    state: choice_literal(Decision.State)
    owner: str | None
    timebox_until: datetime | None
    timebox_expired: bool
    outcome: OutcomeName | None
    outcome_note: str


class DecisionList(Schema):
    items: list[DecisionOut]


class OutcomeIn(Schema):
    outcome: OutcomeName
    note: str = ""


class TheoryIn(Schema):
    hypothesis: str
    evidence: str = ""


class TheoryStateIn(Schema):
    state: TheoryStateName
    evidence: str = ""


class TheoryOut(Schema):
    id: int
    hypothesis: str
    evidence: str
    state: TheoryStateName


class TheoryList(Schema):
    items: list[TheoryOut]
