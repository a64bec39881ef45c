from django.apps import AppConfig
from django.core import checks


class WarroomConfig(AppConfig):
    name = "warroom"
    verbose_name = "Warroom"

    def ready(self):
        from .checks import SETTINGS_CHECKS

        for check in SETTINGS_CHECKS:
            checks.register(check)
