from django.apps import AppConfig


class PostmortemsConfig(AppConfig):
    name = "postmortems"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from incidents import signals

        from . import receivers_items
        from .signals import queue_draft

        signals.incident_resolved.connect(queue_draft, dispatch_uid="postmortems.queue_draft")
        # Recurrence: a new incident on a service with open items from earlier incidents says so in its timeline.
        signals.incident_declared.connect(receivers_items.flag_recurrence, dispatch_uid="postmortems.flag_recurrence")
