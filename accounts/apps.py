from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and audit"

    def ready(self):
        from . import receivers  # noqa: F401  (auth signals write the audit log)
