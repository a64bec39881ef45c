from django.urls import path

from . import metrics, views

app_name = "insights"

urlpatterns = [
    path("insights/", views.insights_page, name="page"),
    path("insights/incidents/", views.incidents_behind, name="behind"),
    path("insights/export.csv", views.export_csv, name="export_csv"),
    path("metrics", metrics.metrics_view, name="metrics"),
]
