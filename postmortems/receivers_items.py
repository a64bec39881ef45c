"""Signal receivers for action items. They run inside the declaring action's transaction."""

from . import items


def flag_recurrence(sender, incident, **kwargs) -> None:
    items.note_recurrence(incident)
