"""What the public status page adds to the room's record: planned maintenance windows.

Incidents reach the page only through their approved external updates (incidents.models.StatusUpdate);
a maintenance window is public text from the start, written by a responder for customers.
Written only by statuspage/actions.py.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from incidents.models import Service


class Maintenance(models.Model):
    """A planned window in which some components are expected to be unavailable or degraded."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"

    title = models.CharField(max_length=200)
    body = models.TextField("public text", help_text="Markdown; customers read it on the status page")
    html = models.TextField(editable=False)
    services = models.ManyToManyField(Service, related_name="maintenances", verbose_name="affected components")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    # When the sweeper actually started and completed it (the window says when it was planned).
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["status", "starts_at"], name="maintenance_status_start_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["scheduled", "in_progress", "completed"]), name="maintenance_status_valid"
            ),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="maintenance_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.title
