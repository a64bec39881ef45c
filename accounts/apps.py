from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and audit"

    def ready(self):
        from django.core import checks

        from . import receivers  # noqa: F401  (auth signals write the audit log)
        from .checks import check_api_rates, check_oidc

        checks.register(check_oidc)
        checks.register(check_api_rates)
