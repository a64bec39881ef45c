"""Actions on the integrations' own configuration and raw deliveries (alerts and deploys go through ingest)."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .models import Delivery, Endpoint


def create_endpoint(
    *, kind: str, name: str, signing_secret: str = "", service=None, commander=None
) -> tuple[Endpoint, str]:
    """A new webhook endpoint and its secret token (shown once; only its hash is stored)."""
    endpoint = Endpoint(kind=kind, name=name, signing_secret=signing_secret, service=service, commander=commander)
    token = endpoint.issue_token()
    endpoint.save()
    return endpoint, token


def rotate_endpoint_token(endpoint: Endpoint) -> str:
    """Replace the endpoint's token: senders using the old URL are refused from now on."""
    with transaction.atomic():
        token = endpoint.issue_token()
        endpoint.save(update_fields=["token_prefix", "token_hash"])
    return token


def purge_old_deliveries(older_than: timedelta) -> int:
    """Raw deliveries are kept for debugging and replay, then deleted (alerts and deploys stay)."""
    deleted, _ = Delivery.objects.filter(received_at__lt=timezone.now() - older_than).delete()
    return deleted
