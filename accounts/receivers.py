"""Sign-ins, failed sign-ins, sign-outs and lockouts go to the audit log, with the caller's address.

A wrong password is `login_failed`; the failure that reaches the limit adds `locked_out`, and so does each later
attempt refused while the lock holds (that one checked no password, so it is not a `login_failed` too).
"""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.urls import reverse

from incidents.actions import AuditAction, audit


@receiver(user_logged_in, dispatch_uid="accounts-audit-login")
def audit_login(sender, request, user, **kwargs):
    backend = getattr(user, "backend", "") or ""
    audit(AuditAction.LOGIN, actor=user, request=request, method="sso" if "oidc" in backend else "password")


@receiver(user_login_failed, dispatch_uid="accounts-audit-login-failed")
def audit_login_failed(sender, credentials, request=None, **kwargs):
    username = str((credentials or {}).get("username") or "")[:150]
    if getattr(request, "refused_while_locked", False):
        return  # no password was checked: audit_locked_out records the refusal
    if username:
        audit(AuditAction.LOGIN_FAILED, request=request, username=username, method="password")
    elif request is not None and request.path == reverse("oidc_authentication_callback"):
        # The provider sent someone back whom no backend accepted (deactivated here, bad claims, token refused).
        audit(AuditAction.LOGIN_FAILED, request=request, method="sso")


@receiver(user_logged_out, dispatch_uid="accounts-audit-logout")
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit(AuditAction.LOGOUT, actor=user, request=request)


@receiver(user_locked_out, dispatch_uid="accounts-audit-locked-out")
def audit_locked_out(sender, request, username, ip_address, **kwargs):
    refused = bool(getattr(request, "refused_while_locked", False))
    audit(
        AuditAction.LOCKED_OUT, request=request, address=ip_address, username=str(username or "")[:150], refused=refused
    )
