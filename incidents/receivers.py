"""The incidents app reacts to signals here: its features to the kernel's signals (the kernel never calls a
feature), and the live room to the end of a person's access (their open sockets close within seconds)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import pre_save

from . import signals
from .comms import actions as comms
from .live import broadcast


def close_sockets_of_session(sender, request, user, **kwargs) -> None:
    """Signing out ends the sockets this browser session opened."""
    session = getattr(request, "session", None)
    if session is not None and session.session_key:
        broadcast.end_access(session_key=session.session_key, reason="signed out")


def close_sockets_when_access_ends(sender, instance, raw=False, **kwargs) -> None:
    """Deactivation or a new password ends every socket the person has open (sessions and tokens alike)."""
    if raw or instance.pk is None:
        return
    before = sender.objects.filter(pk=instance.pk).values("is_active", "password").first()
    if before is None:
        return
    if before["is_active"] and not instance.is_active:
        broadcast.end_access(user_id=instance.pk, reason="deactivated")
    elif before["password"] != instance.password:
        broadcast.end_access(user_id=instance.pk, reason="password changed")


def connect() -> None:
    signals.incident_resolved.connect(comms.record_promise_keeping, dispatch_uid="comms.record_promise_keeping")
    user_logged_out.connect(close_sockets_of_session, dispatch_uid="live.close_sockets_of_session")
    pre_save.connect(close_sockets_when_access_ends, sender=get_user_model(), dispatch_uid="live.access_ends")
