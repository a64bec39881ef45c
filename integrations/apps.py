from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "integrations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from incidents import comms, reminders, signals

        from .outbound import slack

        signals.incident_declared.connect(slack.on_declared, dispatch_uid="slack.on_declared")
        signals.incident_resolved.connect(slack.on_resolved, dispatch_uid="slack.on_resolved")
        comms.update_published.connect(slack.on_update_published, dispatch_uid="slack.on_update_published")
        reminders.reminder_posted.connect(slack.on_reminder_posted, dispatch_uid="slack.on_reminder_posted")
