"""The incidents app's features react to the kernel's signals here (the kernel never calls a feature)."""

from . import signals
from .comms import actions as comms


def connect() -> None:
    signals.incident_resolved.connect(comms.record_promise_keeping, dispatch_uid="comms.record_promise_keeping")
