"""The link between a person at the identity provider and their Warroom user."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Identity(models.Model):
    """A user's account at an OpenID provider: matched by issuer and subject, never by a name the IdP lets people
    choose, so an IdP account called "admin" cannot take over the local break-glass admin."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="identities")
    issuer = models.CharField(max_length=300)
    subject = models.CharField(max_length=255)
    groups = models.JSONField(default=list, blank=True, help_text="the groups claim at the last sign-in")
    created_at = models.DateTimeField(default=timezone.now)
    last_login_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "identities"
        constraints = [models.UniqueConstraint(fields=["issuer", "subject"], name="identity_issuer_subject_once")]

    def __str__(self) -> str:
        return f"{self.user} at {self.issuer}"
