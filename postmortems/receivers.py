"""Receivers: the incident app announces, the postmortem app reacts (after commit, in a task)."""


def queue_draft(sender, incident, **kwargs) -> None:
    # Sent inside the resolving transaction: the task is queued only if the resolution commits.
    # A broker that is down does not fail the resolve: the sweeper drafts what is missing (tasks.py).
    from warroom.celery import enqueue_on_commit

    from .tasks import draft_postmortem

    enqueue_on_commit(draft_postmortem, incident.pk)
