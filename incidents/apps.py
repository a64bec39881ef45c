from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "incidents"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The room's panels register with the panel registry (and it with the live broadcaster).
        from incidents.comms import panels as comms_panels  # noqa: F401
        from incidents.restore import panels as restore_panels  # noqa: F401
        from incidents.room import panels as room_panels  # noqa: F401

        from . import receivers

        receivers.connect()
