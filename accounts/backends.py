"""The lockout check in front of every sign-in (django-axes), marking the attempts it refuses unchecked."""

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' backend; an attempt it refuses while the lock holds is marked on the request, so the audit
    log records it as refused (`locked_out`), not as a wrong password: no password was checked."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        try:
            return super().authenticate(request, username, password, **kwargs)
        except AxesBackendPermissionDenied:
            request.refused_while_locked = True
            raise
