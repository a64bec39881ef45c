from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "incidents"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported here because they load models, which the app registry must be ready for.
        from .comms import panels as comms_panels
        from .receivers import connect
        from .restore import panels as restore_panels
        from .room import panels as room_panels

        room_panels.register_with_room()
        restore_panels.register_with_room()
        comms_panels.register_with_room()
        connect()
