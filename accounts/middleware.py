"""The Content-Security-Policy of every response (django-csp), with the identity provider as a form target."""

from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from django.conf import settings


class CSPMiddleware(BaseCSPMiddleware):
    """django-csp's middleware; with SSO on, a page's sign-out form may continue to the provider's sign-out page
    (browsers check form-action on the redirects that follow a form, so every page's policy names it)."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if settings.OIDC_ISSUER and not report_only:
            issuer = urlsplit(settings.OIDC_ISSUER)
            update = dict(parts.update or {})
            update["form-action"] = [*update.get("form-action", []), f"{issuer.scheme}://{issuer.netloc}"]
            parts.update = update  # added to the configured sources
        return parts
