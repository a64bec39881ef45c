from django.apps import AppConfig


class ActionItemsConfig(AppConfig):
    name = "action_items"
    verbose_name = "Action items"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from incidents import signals

        from . import panels, receivers

        panels.register_with_room()

        # A new incident on a service with open items from earlier incidents says so in its timeline.
        signals.incident_declared.connect(receivers.flag_recurrence, dispatch_uid="action_items.flag_recurrence")
