from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from accounts import views as accounts_views
from incidents import token_views
from integrations.health_views import signal_health
from integrations.views import page_on_call

from . import health
from .api import urls as api_urls

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="incidents:list", permanent=False)),
    path("healthz", health.healthz, name="healthz"),
    path("login/", accounts_views.SignInView.as_view(), name="login"),
    path("logout/", accounts_views.sign_out, name="logout"),
    path("oidc/", include("accounts.urls")),
    path("incidents/", include("incidents.urls")),
    path("status/", include("statuspage.urls")),
    path("tokens/", token_views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", token_views.revoke, name="token_revoke"),
    path("incidents/<int:pk>/postmortem/", include("postmortems.urls")),
    path("incidents/<int:pk>/page/", page_on_call, name="page_on_call"),
    path("action-items/", include("action_items.urls")),
    path("api/v1/docs", accounts_views.api_docs, name="api_docs"),
    path("", include("insights.urls")),
    path("api/v1/", api_urls()),
    path("hooks/", include("integrations.urls")),
    path("v2/", include("integrations.vendor_urls")),
    path("signals/", signal_health, name="signal_health"),
    path("admin/", admin.site.urls),
]
