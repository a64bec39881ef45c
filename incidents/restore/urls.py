"""URLs of the restore panels, included by incidents/urls.py under /incidents/<pk>/."""

from django.urls import path

from . import views

urlpatterns = [
    path("<int:pk>/impact/", views.assess, name="assess"),
    path("<int:pk>/impact/<int:assessment_id>/confirm/", views.confirm_severity, name="confirm_severity"),
    path("<int:pk>/timestamps/", views.edit_timestamps, name="edit_timestamps"),
    path("<int:pk>/decisions/new/", views.decision_new, name="decision_new"),
    path("<int:pk>/decisions/", views.propose_decision, name="propose_decision"),
    path("<int:pk>/decisions/<int:decision_id>/decide/", views.decide, name="decide"),
    path("<int:pk>/decisions/<int:decision_id>/withdraw/", views.withdraw_decision, name="withdraw_decision"),
    path("<int:pk>/decisions/<int:decision_id>/outcome/", views.decision_outcome, name="decision_outcome"),
    path("<int:pk>/theories/", views.add_theory, name="add_theory"),
    path("<int:pk>/theories/<int:theory_id>/state/", views.theory_state, name="theory_state"),
    path("<int:pk>/handoffs/<int:handoff_id>/accept/", views.accept_handoff, name="accept_handoff"),
    path("<int:pk>/handoffs/<int:handoff_id>/cancel/", views.cancel_handoff, name="cancel_handoff"),
]
