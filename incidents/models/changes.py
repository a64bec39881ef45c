"""What changed in production: the services, their deploys and feature-flag switches."""

from django.db import models
from django.db.models import Q
from django.utils import timezone


class Service(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    team = models.ForeignKey(
        "incidents.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="services",
        verbose_name="owning team",
    )
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


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
