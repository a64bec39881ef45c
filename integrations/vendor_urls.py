"""`/v2/…`: the PagerDuty Events API v2 and Opsgenie alert API paths (integrations/vendor_api.py)."""

from django.urls import path

from . import vendor_api

app_name = "vendor_api"
urlpatterns = [
    path("enqueue", vendor_api.pagerduty_enqueue, name="pagerduty_enqueue"),
    path("alerts", vendor_api.opsgenie_create, name="opsgenie_create"),
    path("alerts/<path:alias>/close", vendor_api.opsgenie_close, name="opsgenie_close"),
    path("alerts/<path:alias>/acknowledge", vendor_api.opsgenie_acknowledge, name="opsgenie_acknowledge"),
]
