"""Hook points other apps subscribe to. Sent inside the action's transaction: receivers schedule
their work with on_commit / delay_on_commit so nothing runs unless the change commits."""

from django.dispatch import Signal

#: incident_declared(sender, incident)
incident_declared = Signal()
#: incident_resolved(sender, incident)
incident_resolved = Signal()
#: update_published(sender, update): a status update became visible (internal at once, external on approval).
update_published = Signal()
#: reminder_posted(sender, entry): a reminder entry was written for an overdue status update.
reminder_posted = Signal()
