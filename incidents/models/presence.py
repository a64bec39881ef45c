"""Who has a war room open right now."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from .incident import Incident


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
