"""Signal receivers for action items, connected in ActionItemsConfig.ready; they run inside the sender's transaction."""

from . import actions


def flag_recurrence(sender, incident, **kwargs) -> None:
    actions.note_recurrence(incident)
