"""Changes in production, reported by CI/CD and flag systems: deploys and feature-flag switches.

Each is noted in every open incident of its service, where the recovery panel lists it as something to undo.
"""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from ..models import Deploy, EntryKind, FlagChange, Incident, Service
from .base import clean_text
from .timeline import record


def record_deploy(
    *,
    service: Service,
    version: str,
    environment: str = "production",
    deployed_at: datetime | None = None,
    deployed_by: str = "",
    url: str = "",
    source: str = "api",
    external_id: str = "",
):
    """Store a deploy (idempotent by source + external_id) and note it in every open incident of the service."""
    version = clean_text(version, field="version", label="Version", max_length=200)
    environment = clean_text(environment or "production", field="environment", label="Environment", max_length=100)
    with transaction.atomic():
        if external_id:
            existing = Deploy.objects.filter(source=source, external_id=external_id).first()
            if existing:
                return existing
        try:
            # The unique (source, external_id) is the real guard: of two senders racing, the loser gets the winner's.
            with transaction.atomic():
                deploy = Deploy.objects.create(
                    service=service,
                    version=version,
                    environment=environment,
                    deployed_at=deployed_at or timezone.now(),
                    deployed_by=deployed_by[:150],
                    url=url,
                    source=source,
                    external_id=external_id,
                )
        except IntegrityError:
            if not external_id:
                raise
            return Deploy.objects.get(source=source, external_id=external_id)
        who = f" by {deployed_by}" if deployed_by else ""
        link = f" ([details]({url}))" if url.startswith(("http://", "https://")) else ""
        for incident in Incident.objects.open().filter(services=service):
            record(
                incident,
                kind=EntryKind.DEPLOY,
                body=f"Deploy: **{service.name}** `{version}` to {environment}{who}{link}.",
                metadata={"deploy": deploy.pk, "service": service.slug, "version": version},
                occurred_at=deploy.deployed_at,
            )
    return deploy


def record_flag_change(
    *,
    service: Service,
    flag: str,
    enabled: bool,
    changed_at: datetime | None = None,
    changed_by: str = "",
    url: str = "",
):
    """Store a feature-flag change and note it in every open incident of the service."""
    flag = clean_text(flag, field="flag", label="Flag", max_length=200)
    with transaction.atomic():
        change = FlagChange.objects.create(
            service=service,
            flag=flag,
            enabled=enabled,
            changed_at=changed_at or timezone.now(),
            changed_by=changed_by[:150],
            url=url,
        )
        who = f" by {changed_by}" if changed_by else ""
        for incident in Incident.objects.open().filter(services=service):
            record(
                incident,
                kind=EntryKind.DEPLOY,
                body=f"Flag change: **{service.name}** `{flag}` turned {'on' if enabled else 'off'}{who}.",
                metadata={"flag_change": change.pk, "service": service.slug, "flag": flag, "enabled": enabled},
                occurred_at=change.changed_at,
            )
    return change
