"""Background work of the Learn stage: drafting on resolution and the review-meeting reminder sweeper."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from . import actions
from .models import Postmortem


@shared_task(acks_late=True, ignore_result=True)
def draft_postmortem(incident_id: int) -> None:
    """Queued when an incident resolves; running it twice leaves one document."""
    actions.draft_postmortem(incident_id)


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
