from django.urls import path

from incidents.comms import views as comms_views
from incidents.restore import urls as urls_restore
from incidents.room import views

app_name = "incidents"

urlpatterns = [
    path("", views.incident_list, name="list"),
    path("declare/", views.declare, name="declare"),
    path("<int:pk>/", views.room, name="room"),
    path("<int:pk>/entries/", views.post_entry, name="post_entry"),
    path("<int:pk>/entries/older/", views.older_entries, name="older_entries"),
    path("<int:pk>/roles/", views.assign_role, name="assign_role"),
    path("<int:pk>/roles/<str:role>/relieve/", views.relieve_role, name="relieve_role"),
    path("<int:pk>/take-command/", views.take_command, name="take_command"),
    path("<int:pk>/visibility/", views.set_visibility, name="set_visibility"),
    path("<int:pk>/members/", views.add_member, name="add_member"),
    path("<int:pk>/members/<str:username>/remove/", views.remove_member, name="remove_member"),
    path("<int:pk>/status/", views.change_status, name="change_status"),
    path("<int:pk>/severity/", views.change_severity, name="change_severity"),
    path("<int:pk>/drill/", views.set_drill, name="set_drill"),
    path("<int:pk>/updates/", comms_views.post_update, name="post_update"),
    path("<int:pk>/updates/<int:update_id>/approve/", comms_views.approve_update, name="approve_update"),
    path("<int:pk>/cadence/", comms_views.set_cadence, name="set_cadence"),
    path("<int:pk>/summary/", comms_views.executive_summary, name="executive_summary"),
    *urls_restore.urlpatterns,
]
