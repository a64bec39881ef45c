from django.apps import AppConfig


class PostmortemsConfig(AppConfig):
    name = "postmortems"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from incidents import signals

        from . import panels, receivers

        panels.register_with_room()

        signals.incident_resolved.connect(receivers.queue_draft, dispatch_uid="postmortems.queue_draft")
