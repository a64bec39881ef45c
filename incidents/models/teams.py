"""Teams own services and lead private incidents; the audit log records who did what to access and authority."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Team(models.Model):
    """A group of people that owns services. Filled from the admin, or from the IdP's groups claim at sign-in."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    idp_group = models.CharField(
        "IdP group",
        max_length=200,
        blank=True,
        help_text="members of this group in the identity provider join the team",
    )
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="teams", blank=True)
    leads = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="led_teams", blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class IncidentMember(models.Model):
    """A person invited into a private incident (role holders, the owning team's leads and admins see it anyway)."""

    incident = models.ForeignKey("incidents.Incident", on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="incident_memberships")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["incident", "user"], name="incident_member_once")]

    def __str__(self) -> str:
        return f"{self.user} in INC-{self.incident_id}"


class AuditEvent(models.Model):
    """One line of the append-only audit log: sign-ins, tokens, exports, access changes, authority overrides."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_events"
    )
    actor_name = models.CharField(max_length=150, blank=True, help_text="kept when the user is deleted")
    action = models.CharField(max_length=50, db_index=True)
    incident = models.ForeignKey(
        "incidents.Incident", null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_events"
    )
    address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name or 'anonymous'} {self.action}"
