"""Background work of the Learn stage: drafting on resolution and the review-meeting reminder sweeper."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from incidents.models import Incident, Status

from . import actions
from .models import Postmortem


@shared_task(acks_late=True, ignore_result=True)
def draft_postmortem(incident_id: int) -> None:
    """Queued when an incident resolves; running it twice leaves one document."""
    actions.draft_postmortem(incident_id)


#: A resolved incident without a postmortem this long after resolving lost its drafting task (broker down,
#: worker killed): the sweeper drafts it.
MISSING_DRAFT_AFTER = timedelta(seconds=30)


@shared_task(acks_late=True, ignore_result=True)
def draft_missing_postmortems() -> int:
    """Periodic: every resolved incident has a postmortem draft within a minute, whatever happened to its task."""
    missing = Incident.objects.filter(
        status=Status.RESOLVED, resolved_at__lte=timezone.now() - MISSING_DRAFT_AFTER, postmortem__isnull=True
    ).values_list("pk", flat=True)
    return sum(bool(actions.draft_postmortem(pk)[1]) for pk in list(missing[:200]))


@shared_task(acks_late=True, ignore_result=True)
def remind_review_meetings() -> int:
    """Periodic: drafts whose review meeting is within 24 h and that are not in review get one reminder."""
    now = timezone.now()
    due = Postmortem.objects.filter(
        status=Postmortem.State.DRAFT,
        review_reminded_at__isnull=True,
        review_at__isnull=False,
        review_at__lte=now + timedelta(hours=actions.REMINDER_LEAD),
    ).values_list("pk", flat=True)
    return sum(actions.remind_review(pk, now=now) for pk in list(due[:500]))
