"""Sign in (SSO button and the local break-glass form), sign out, the lockout answer, and the API docs page."""

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from .oidc import provider_logout_url, sso_enabled


class SignInView(LoginView):
    """The login page: "Sign in with <provider>" when SSO is configured, and the local form, always."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return super().get_context_data(sso_enabled=sso_enabled(), provider_name=settings.OIDC_PROVIDER_NAME, **kwargs)


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a sign-in from a locked username and address: the form again, with the reason."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    form = AuthenticationForm(request, data=request.POST or None)
    context = {
        "form": form,
        "next": request.POST.get("next", ""),
        "sso_enabled": sso_enabled(),
        "provider_name": settings.OIDC_PROVIDER_NAME,
        "lockout": (
            f"Too many failed sign-ins for this account from your address: sign-in is locked for {minutes} minutes. "
            "Wait, or ask an admin to unlock it (Admin › Users › Unlock sign-in)."
        ),
    }
    return render(request, "registration/login.html", context, status=429)


@require_POST
def sign_out(request):
    """Sign out here, then at the provider too when the session came from SSO (it shows its own page)."""
    at_provider = provider_logout_url(request)
    logout(request)
    if at_provider:
        return redirect(at_provider)
    return redirect(settings.LOGOUT_REDIRECT_URL)


@login_required
def api_docs(request):
    """Swagger UI for /api/v1/, from vendored files under static/ (no CDN), for signed-in people only."""
    return render(request, "accounts/api_docs.html", {"schema_url": "/api/v1/openapi.json"})
