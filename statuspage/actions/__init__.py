"""The status page's writers (DESIGN.md, "The spine"): maintenance windows, subscriptions, and the notices owed
to subscribers with their claimed deliveries. Views, the API, receivers and tasks call these."""

from .maintenance import (
    complete_maintenance,
    schedule_maintenance,
    services_by_slug,
    start_maintenance,
    sweep_maintenances,
)
from .notices import (
    claim_delivery,
    deliveries_due,
    finish_delivery,
    missing_notices,
    notify_maintenance,
    notify_update,
)
from .subscriptions import (
    add_webhook_subscriber,
    confirm_subscription,
    request_subscription,
    unsubscribe,
)

__all__ = [
    "add_webhook_subscriber",
    "claim_delivery",
    "complete_maintenance",
    "confirm_subscription",
    "deliveries_due",
    "finish_delivery",
    "missing_notices",
    "notify_maintenance",
    "notify_update",
    "request_subscription",
    "schedule_maintenance",
    "services_by_slug",
    "start_maintenance",
    "sweep_maintenances",
    "unsubscribe",
]
