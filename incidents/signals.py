"""Hook points other apps subscribe to. Sent inside the action's transaction: receivers schedule
their work with on_commit / delay_on_commit so nothing runs unless the change commits."""

from django.dispatch import Signal

#: incident_declared(sender, incident)
incident_declared = Signal()
#: incident_resolved(sender, incident)
incident_resolved = Signal()
