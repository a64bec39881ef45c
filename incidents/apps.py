from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "incidents"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import comms, signals

        signals.incident_declared.connect(comms.start_cadence, dispatch_uid="comms.start_cadence")
