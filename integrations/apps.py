from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "integrations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported here because they load models, which the app registry must be ready for.
        from django.db.models.signals import post_save

        from incidents import signals
        from incidents.models import TimelineEntry

        from . import panels, receivers

        panels.register_with_room()

        signals.incident_declared.connect(receivers.on_declared, dispatch_uid="integrations.on_declared")
        signals.incident_resolved.connect(receivers.on_resolved, dispatch_uid="integrations.on_resolved")
        signals.update_published.connect(receivers.on_update_published, dispatch_uid="integrations.on_update_published")
        signals.reminder_posted.connect(receivers.on_reminder_posted, dispatch_uid="integrations.on_reminder_posted")
        # The record drives the event stream: every entry that stands for an event is streamed, whichever app wrote it.
        post_save.connect(receivers.on_entry_saved, sender=TimelineEntry, dispatch_uid="integrations.on_entry_saved")
