from django.contrib.auth.decorators import login_not_required
from django.urls import path

from . import oidc

# The provider redirects to /oidc/callback/ (register it as the client's redirect URI).
urlpatterns = [
    path("authenticate/", login_not_required(oidc.SignInView.as_view()), name="oidc_authentication_init"),
    path("callback/", login_not_required(oidc.CallbackView.as_view()), name="oidc_authentication_callback"),
]
