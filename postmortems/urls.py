"""Mounted at incidents/<pk>/postmortem/ (see warroom/urls.py): the postmortem belongs to its incident."""

from django.urls import path

from . import factor_views, views

app_name = "postmortems"

urlpatterns = [
    path("", views.editor, name="editor"),
    path("save/", views.save, name="save"),
    path("preview/", views.preview, name="preview"),
    path("review/", views.send_to_review, name="send_to_review"),
    path("publish/", views.publish, name="publish"),
    path("meeting/", views.schedule_review, name="schedule_review"),
    path("meeting.ics", views.review_invite, name="review_invite"),
    path("document/", views.document, name="document"),
    path("export.<str:fmt>", views.export, name="export"),
    path("history/", views.history, name="history"),
    path("history/<int:version>/", views.revision_diff, name="revision_diff"),
    path("factors/", factor_views.add_factor, name="add_factor"),
    path("factors/<int:factor_id>/remove/", factor_views.remove_factor, name="remove_factor"),
    path("factors/five-whys/", factor_views.five_whys, name="five_whys"),
]
