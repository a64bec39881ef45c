from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "incidents"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.conf import settings

        # Due times live in columns; this sweeper reads them (incidents/tasks.py).
        settings.CELERY_BEAT_SCHEDULE.setdefault("restore-reminders", {"task": "incidents.tasks.sweep_restore_reminders", "schedule": 60.0})
