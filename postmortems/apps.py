from django.apps import AppConfig


class PostmortemsConfig(AppConfig):
    name = "postmortems"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from incidents.signals import incident_resolved

        from .signals import queue_draft

        incident_resolved.connect(queue_draft, dispatch_uid="postmortems.queue_draft")
