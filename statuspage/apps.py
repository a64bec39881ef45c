from django.apps import AppConfig
from django.core import checks


class StatusPageConfig(AppConfig):
    name = "statuspage"
    verbose_name = "Status page"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from incidents import signals

        from . import receivers
        from .checks import check_branding

        checks.register(check_branding)
        # Every approved external update is sent to the subscribers of its components.
        signals.update_published.connect(receivers.tell_subscribers, dispatch_uid="statuspage.tell_subscribers")
