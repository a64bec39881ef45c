"""Receivers: the incident app announces, the postmortem app reacts (after commit, in a task)."""


def queue_draft(sender, incident, **kwargs) -> None:
    # Sent inside the resolving transaction: the task is queued only if the resolution commits.
    from .tasks import draft_postmortem

    draft_postmortem.delay_on_commit(incident.pk)
