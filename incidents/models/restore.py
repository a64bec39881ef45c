"""The restore stage's records: impact assessments, the per-service mitigation catalogue, the decision
log and the working-theories board.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .changes import Deploy, Service
from .incident import Incident, Severity


class MitigationKind(models.TextChoices):
    FLAG_OFF = "flag_off", "Feature flag off"
    ROLLBACK = "rollback", "Roll back"
    RESTART = "restart", "Restart"
    SCALE_OUT = "scale_out", "Scale out"
    FAILOVER = "failover", "Fail over"
    SHED_LOAD = "shed_load", "Shed load"


#: What the recovery panel offers for a service whose catalogue is still empty: (preconditions, risk).
GENERIC_MITIGATIONS = {
    MitigationKind.FLAG_OFF: (
        "The suspect change sits behind a feature flag.",
        "Users lose the feature while it is off.",
    ),
    MitigationKind.ROLLBACK: (
        "A known-good earlier version exists and no irreversible migration ran since.",
        "Fixes shipped since that version go away.",
    ),
    MitigationKind.RESTART: (
        "The fault looks like leaked state: memory, connections, stuck workers.",
        "Drops in-flight requests; may only buy time.",
    ),
    MitigationKind.SCALE_OUT: (
        "Saturation: CPU, memory or queue depth at the limit, and capacity to add.",
        "Costs money; can overload a shared dependency.",
    ),
    MitigationKind.FAILOVER: (
        "A healthy standby region, replica or provider is ready.",
        "Failover itself can fail; data written since the last sync may lag.",
    ),
    MitigationKind.SHED_LOAD: (
        "Non-essential traffic can be identified and refused.",
        "Some users see errors or degraded pages on purpose.",
    ),
}


class Mitigation(models.Model):
    """One entry of a service's catalogue of generic mitigations, kept in the admin."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="mitigations")
    kind = models.CharField(max_length=20, choices=MitigationKind.choices)
    title = models.CharField(
        max_length=200, blank=True, help_text="e.g. “Turn off new-checkout flag”; the kind's name when empty"
    )
    preconditions = models.TextField(blank=True, help_text="When this is safe to do")
    risk = models.TextField(blank=True, help_text="What can go wrong, who notices")
    runbook_url = models.URLField(max_length=500, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["service", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.service}: {self.label}"

    @property
    def label(self) -> str:
        return self.title or self.get_kind_display()


class ImpactAssessment(models.Model):
    """Who is hurt and how badly, at one moment; the latest one drives the severity suggestion."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="assessments")
    services = models.ManyToManyField(Service, related_name="+", blank=True)
    users_affected_pct = models.PositiveSmallIntegerField(validators=[MaxValueValidator(100)])
    core_flow_down = models.BooleanField()
    customer_visible = models.BooleanField(default=False)
    notes = models.TextField(blank=True, help_text="regions, numbers, anything else")
    suggested_severity = models.CharField(max_length=4, choices=Severity.choices)
    reason = models.CharField(max_length=500)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assessed_at = models.DateTimeField(default=timezone.now)
    confirmed_severity = models.CharField(max_length=4, choices=Severity.choices, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-assessed_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(users_affected_pct__lte=100), name="assessment_pct_at_most_100")
        ]

    def __str__(self) -> str:
        return f"{self.incident.ref} impact → {self.suggested_severity}"


class Decision(models.Model):
    """One entry of the decision log: proposed, decided by the IC, owned, maybe time-boxed, closed with an outcome."""

    class State(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        DECIDED = "decided", "Decided"
        CLOSED = "closed", "Closed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Outcome(models.TextChoices):
        WORKED = "worked", "Worked"
        NO_EFFECT = "no_effect", "No effect"
        WORSE = "worse", "Made it worse"

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="decisions")
    question = models.CharField(max_length=300)
    options = models.JSONField(default=list, blank=True)
    chosen = models.CharField(max_length=300)
    risk = models.TextField(blank=True)
    revert_plan = models.TextField(blank=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.PROPOSED)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    timebox_minutes = models.PositiveIntegerField(null=True, blank=True)
    timebox_until = models.DateTimeField(null=True, blank=True)
    timebox_reminded_at = models.DateTimeField(null=True, blank=True)
    mitigation = models.ForeignKey(Mitigation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    mitigation_kind = models.CharField(max_length=20, choices=MitigationKind.choices, blank=True)
    deploy = models.ForeignKey(Deploy, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["proposed_at", "pk"]
        indexes = [models.Index(fields=["incident", "state"], name="decision_incident_state_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["proposed", "decided", "closed", "withdrawn"]), name="decision_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"D{self.pk} {self.question}"

    @property
    def is_open(self) -> bool:
        return self.state in (self.State.PROPOSED, self.State.DECIDED)

    def timebox_expired(self, now=None) -> bool:
        return self.is_open and self.timebox_until is not None and self.timebox_until <= (now or timezone.now())


class Theory(models.Model):
    """A working hypothesis about the cause; ruled-out ones stay on the board, struck through."""

    class State(models.TextChoices):
        OPEN = "open", "Open"
        RULED_OUT = "ruled_out", "Ruled out"
        CONFIRMED = "confirmed", "Confirmed"

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="theories")
    hypothesis = models.CharField(max_length=300)
    evidence = models.TextField(blank=True)
    evidence_html = models.TextField(blank=True, editable=False)
    state = models.CharField(max_length=20, choices=State.choices, default=State.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name_plural = "theories"

    def __str__(self) -> str:
        return self.hypothesis
