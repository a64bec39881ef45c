"""System checks for the /metrics settings: a typo in the allow-list would silently lock Prometheus out."""

from django.conf import settings
from django.core.checks import Error, register

from .metrics import allowed_networks


@register()
def check_metrics_addresses(app_configs, **kwargs):
    try:
        allowed_networks(settings.METRICS_ALLOWED_ADDRESSES)
    except ValueError as exc:
        return [
            Error(
                f"METRICS_ALLOWED_ADDRESSES cannot be read: {exc}.",
                hint="Use comma-separated addresses or networks, e.g. 127.0.0.1, 10.0.0.0/8.",
                id="insights.E001",
            )
        ]
    return []
