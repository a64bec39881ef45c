from django.urls import path

from . import views

app_name = "action_items"

urlpatterns = [
    path("", views.tracker, name="tracker"),
    path("export.csv", views.tracker_csv, name="csv"),
    path("new/", views.new_item, name="new"),
    path("<int:pk>/", views.item_detail, name="detail"),
    path("<int:pk>/change/", views.change_item, name="change"),
    path("<int:pk>/jira/", views.export_to_jira, name="jira"),
    path("postmortem/<int:postmortem_pk>/jira/", views.export_postmortem_to_jira, name="postmortem_jira"),
]
