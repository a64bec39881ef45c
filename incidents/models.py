"""The record of an incident: who holds which role, what happened when, in one append-only timeline.

Only incidents/actions.py writes these models (see DESIGN.md, "The spine").
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone


class Severity(models.TextChoices):
    SEV1 = "SEV1", "SEV1 · Critical"
    SEV2 = "SEV2", "SEV2 · Major"
    SEV3 = "SEV3", "SEV3 · Minor"
    SEV4 = "SEV4", "SEV4 · Low"
    SEV5 = "SEV5", "SEV5 · Cosmetic"


SEVERITY_DEFINITIONS = {
    Severity.SEV1: "Core business flow down or most users affected; customers see it. All hands, page executives.",
    Severity.SEV2: "Major degradation: a core feature broken for many users, or data at risk. Declare and staff now.",
    Severity.SEV3: "Partial degradation with a workaround, or a minority of users affected.",
    Severity.SEV4: "Minor issue with little user impact; handle in working hours.",
    Severity.SEV5: "Cosmetic or internal-only; tracked for learning.",
}
MAJOR_SEVERITIES = {Severity.SEV1, Severity.SEV2}


class Status(models.TextChoices):
    INVESTIGATING = "investigating", "Investigating"
    IDENTIFIED = "identified", "Identified"
    MITIGATED = "mitigated", "Mitigated"
    MONITORING = "monitoring", "Monitoring"
    RESOLVED = "resolved", "Resolved"


OPEN_STATUSES = [s for s in Status if s != Status.RESOLVED]


class Role(models.TextChoices):
    COMMANDER = "commander", "Incident Commander"
    TECH_LEAD = "tech_lead", "Tech Lead"
    COMMS_LEAD = "comms_lead", "Communications Lead"
    SCRIBE = "scribe", "Scribe"
    DEPUTY = "deputy", "Deputy IC"


ROLE_INSTRUCTIONS = {
    Role.COMMANDER: [
        "Coordinate; do not debug or change production yourself.",
        "Restore service first: root cause is after-work.",
        "Make and log decisions; keep every role filled (you hold any that is unassigned).",
        "Hand off explicitly after about 4 hours.",
    ],
    Role.TECH_LEAD: [
        "Lead the technical response; the only one changing production.",
        "Assess impact: which services, what share of users, is a core flow down?",
        "Propose the fastest safe fix: flag off, roll back, restart or scale.",
    ],
    Role.COMMS_LEAD: [
        "Post a status update every 15–30 minutes, even to say “still investigating”.",
        "Each update: current status, actions taken, next steps, time of the next update.",
        "External words are facts only, approved before publishing.",
    ],
    Role.SCRIBE: [
        "Keep the timeline complete: findings, decisions, actions, with times.",
        "Capture action items as they come up.",
    ],
    Role.DEPUTY: [
        "Support the IC: track open questions and time-boxes.",
        "Be ready to take over command.",
    ],
}


class EntryKind(models.TextChoices):
    NOTE = "note", "Note"
    FINDING = "finding", "Finding"
    DECISION = "decision", "Decision"
    ACTION = "action", "Action"
    # Written by the system, never chosen in the composer.
    DECLARED = "declared", "Declared"
    ROLE = "role", "Role change"
    STATUS = "status", "Status change"
    SEVERITY = "severity", "Severity change"
    SUMMARY = "summary", "Summary change"
    REMINDER = "reminder", "Reminder"
    UPDATE = "update", "Status update"
    ALERT = "alert", "Alert"
    DEPLOY = "deploy", "Deploy"
    SYSTEM = "system", "System"
    # The restore stage (incidents/restore.py, decisions.py, handoff.py).
    IMPACT = "impact", "Impact assessment"
    THEORY = "theory", "Theory"
    BRIEFING = "briefing", "Hand-off briefing"
    LIFECYCLE = "lifecycle", "Timestamp correction"
    POSTMORTEM = "postmortem", "Postmortem"
    ACTION_ITEM = "action_item", "Action item"


POSTABLE_KINDS = [EntryKind.NOTE, EntryKind.FINDING, EntryKind.DECISION, EntryKind.ACTION]


class Service(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    team = models.CharField("owning team", max_length=100, blank=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class IncidentQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status=Status.RESOLVED)

    def resolved(self):
        return self.filter(status=Status.RESOLVED)

    def with_roles(self):
        current = RoleAssignment.objects.filter(relieved_at__isnull=True).select_related("user")
        return self.prefetch_related(models.Prefetch("role_assignments", queryset=current, to_attr="current_roles"))


class Incident(models.Model):
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    summary_html = models.TextField(blank=True, editable=False)
    severity = models.CharField(max_length=4, choices=Severity.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.INVESTIGATING)
    services = models.ManyToManyField(Service, related_name="incidents", blank=True)

    started_at = models.DateTimeField(help_text="When impact began; may precede the declaration.")
    detected_at = models.DateTimeField(null=True, blank=True)
    declared_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    mitigated_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    # Update cadence (incidents/comms.py): the promise of the next status update, and the sweeper's claims.
    update_cadence_minutes = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="minutes between status updates; empty = the severity's default"
    )
    next_update_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    reminded_for_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    escalated_for_due_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        ordering = ["-declared_at"]
        indexes = [models.Index(fields=["status", "-declared_at"], name="incident_status_declared_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(severity__in=Severity.values), name="incident_severity_valid"),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="incident_status_valid"),
            models.CheckConstraint(
                condition=Q(update_cadence_minutes__isnull=True) | Q(update_cadence_minutes__gte=1, update_cadence_minutes__lte=240),
                name="incident_update_cadence_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("incidents:room", args=[self.pk])

    @property
    def ref(self) -> str:
        return f"INC-{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status != Status.RESOLVED

    @property
    def is_major(self) -> bool:
        return self.severity in MAJOR_SEVERITIES

    def holders(self) -> dict[str, "RoleAssignment"]:
        """Current holders by role; uses the `with_roles()` prefetch when present."""
        current = getattr(self, "current_roles", None)
        if current is None:
            current = self.role_assignments.filter(relieved_at__isnull=True).select_related("user")
        return {a.role: a for a in current}

    @property
    def commander(self):
        holder = self.holders().get(Role.COMMANDER)
        return holder.user if holder else None

    def durations(self, now=None) -> dict[str, timedelta | None]:
        now = now or timezone.now()
        end = self.resolved_at or now
        return {
            "since_start": end - self.started_at,
            "since_declared": end - self.declared_at,
            "to_mitigate": (self.mitigated_at - self.started_at) if self.mitigated_at else None,
            "to_resolve": (self.resolved_at - self.started_at) if self.resolved_at else None,
        }


class RoleAssignment(models.Model):
    """A role held for a window of time: a hand-off relieves one row and opens the next."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(max_length=20, choices=Role.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="incident_roles")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    assigned_at = models.DateTimeField(default=timezone.now)
    relieved_at = models.DateTimeField(null=True, blank=True)
    rotation_prompted_at = models.DateTimeField(null=True, blank=True, help_text="when the room suggested an IC rotation")

    class Meta:
        ordering = ["assigned_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "role"], condition=Q(relieved_at__isnull=True), name="one_current_holder_per_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.user}"


class TimelineEntry(models.Model):
    """One line of the record. Append-only: the audit log, the live feed and the postmortem source."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(max_length=20, choices=EntryKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField()
    html = models.TextField(editable=False)
    occurred_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(auto_now_add=True)
    metadata = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name_plural = "timeline entries"
        indexes = [models.Index(fields=["incident", "id"], name="entry_incident_id_idx")]

    def __str__(self) -> str:
        return f"{self.incident_id}#{self.pk} {self.kind}"

    @property
    def is_system(self) -> bool:
        return self.kind not in POSTABLE_KINDS


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def authenticate(self, raw: str):
        """The active user holding this bearer token, or None."""
        if not raw or len(raw) > 200:
            return None
        token = self.select_related("user").filter(token_hash=_hash_token(raw), revoked_at__isnull=True).first()
        if token is None or not token.user.is_active:
            return None
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return token.user


class ApiToken(models.Model):
    """A bearer token for bots and scripts; only its SHA-256 is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=12, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @classmethod
    def issue(cls, user, name: str = "") -> tuple["ApiToken", str]:
        raw = "wr_" + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, prefix=raw[:10], token_hash=_hash_token(raw))
        return token, raw


class Deploy(models.Model):
    """A release of a service, reported by CI/CD (API or webhook); shown beside the room's recovery options."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="deploys")
    version = models.CharField(max_length=200)
    environment = models.CharField(max_length=100, default="production")
    deployed_at = models.DateTimeField(default=timezone.now)
    deployed_by = models.CharField(max_length=150, blank=True)
    url = models.URLField(max_length=500, blank=True)
    source = models.CharField(max_length=30, default="api", help_text="api, github, gitlab, jenkins, generic")
    external_id = models.CharField(max_length=200, blank=True, help_text="sender's id, for idempotent delivery")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-deployed_at", "-pk"]
        indexes = [models.Index(fields=["service", "-deployed_at"], name="deploy_service_time_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"], condition=~Q(external_id=""), name="deploy_unique_external_id"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service} {self.version} ({self.environment})"


class FlagChange(models.Model):
    """A feature flag switched on or off for a service: often the fastest thing to undo."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="flag_changes")
    flag = models.CharField(max_length=200)
    enabled = models.BooleanField()
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.CharField(max_length=150, blank=True)
    url = models.URLField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        indexes = [models.Index(fields=["service", "-changed_at"], name="flag_service_time_idx")]

    def __str__(self) -> str:
        return f"{self.service} {self.flag}={'on' if self.enabled else 'off'}"


class Audience(models.TextChoices):
    INTERNAL = "internal", "Internal"
    EXTERNAL = "external", "External (status page)"


class PublicState(models.TextChoices):
    """Status-page words: what customers read, never the room's internal lifecycle."""

    INVESTIGATING = "investigating", "Investigating"
    IDENTIFIED = "identified", "Identified"
    MONITORING = "monitoring", "Monitoring"
    RESOLVED = "resolved", "Resolved"


class ComponentState(models.TextChoices):
    OPERATIONAL = "operational", "Operational"
    DEGRADED = "degraded_performance", "Degraded performance"
    PARTIAL_OUTAGE = "partial_outage", "Partial outage"
    MAJOR_OUTAGE = "major_outage", "Major outage"


class StatusUpdate(models.Model):
    """A structured update: current status, actions taken, next steps, and the time of the next one.

    Internal updates publish at once; external ones are drafts until the IC or the Comms Lead approves.
    """

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="status_updates")
    audience = models.CharField(max_length=10, choices=Audience.choices)
    state = models.CharField(max_length=10, choices=State.choices)
    headline = models.CharField(max_length=200, blank=True, help_text="external only: the status page's title")
    public_state = models.CharField(max_length=20, choices=PublicState.choices, blank=True)
    component_state = models.CharField(max_length=30, choices=ComponentState.choices, blank=True)
    status = models.TextField("current status")
    actions = models.TextField("actions taken", blank=True)
    next_steps = models.TextField(blank=True)
    html = models.TextField(editable=False)
    next_update_in_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)
    # The promise this update answered (the incident's due time when it was published) and the one it made.
    answered_due_at = models.DateTimeField(null=True, blank=True)
    next_update_due_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["incident", "audience", "state"], name="update_incident_audience_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(audience__in=Audience.values), name="update_audience_valid"),
            models.CheckConstraint(
                condition=Q(state="draft", published_at__isnull=True) | Q(state="published", published_at__isnull=False),
                name="update_published_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"INC-{self.incident_id} {self.audience} update #{self.pk}"

    @property
    def on_time(self) -> bool | None:
        """Kept its predecessor's promise? None when nothing was promised (the first update, SEV4-5)."""
        if self.published_at is None or self.answered_due_at is None:
            return None
        return self.published_at <= self.answered_due_at


class RoomPresence(models.Model):
    """One open war-room socket: who has the room open right now, across every server process.

    Not part of the record (no timeline entry): a row lives as long as its socket. Each server process
    stamps `seen_at` on its own rows, so rows left behind by a crashed process age out.
    """

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    channel_name = models.CharField(max_length=200, unique=True)
    server = models.CharField(max_length=100)
    connected_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["incident", "seen_at"], name="presence_incident_seen_idx"),
            models.Index(fields=["server"], name="presence_server_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.incident_id} ({self.channel_name})"


from .restore_models import (  # noqa: E402,F401  the restore stage's models live beside, in their own module
    GENERIC_MITIGATIONS,
    Decision,
    HandOff,
    ImpactAssessment,
    Mitigation,
    MitigationKind,
    Theory,
)
