from django.contrib.auth.decorators import login_not_required
from django.urls import path

from . import feeds, subscribe, v2, views

app_name = "statuspage"

urlpatterns = [
    path("", views.status_page, name="index"),
    path("history/", views.history_page, name="history"),
    path("incidents/<int:pk>/", views.incident_page, name="incident"),
    path("maintenances/", views.maintenance_list, name="maintenances"),
    path("subscribe/", subscribe.subscribe, name="subscribe"),
    path("subscriptions/<str:token>/confirm/", subscribe.confirm, name="confirm"),
    path("subscriptions/<str:token>/unsubscribe/", subscribe.unsubscribe, name="unsubscribe"),
    path("history.rss", login_not_required(feeds.HistoryRss()), name="rss"),
    path("history.atom", login_not_required(feeds.HistoryAtom()), name="atom"),
    path("api/v2/summary.json", v2.summary, name="v2-summary"),
    path("api/v2/status.json", v2.status, name="v2-status"),
    path("api/v2/components.json", v2.components, name="v2-components"),
    path("api/v2/incidents.json", v2.incidents, name="v2-incidents"),
    path("api/v2/incidents/unresolved.json", v2.unresolved_incidents, name="v2-incidents-unresolved"),
    path("api/v2/scheduled-maintenances.json", v2.scheduled_maintenances, name="v2-maintenances"),
    path("api/v2/scheduled-maintenances/upcoming.json", v2.upcoming_maintenances, name="v2-maintenances-upcoming"),
    path("api/v2/scheduled-maintenances/active.json", v2.active_maintenances, name="v2-maintenances-active"),
]
