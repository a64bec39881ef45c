"""Background work for action items: the reminder and digest sweepers and the Jira export.

Tasks take ids and re-read rows; the claims inside action_items/actions/follow_up.py make each safe to run twice.
Beat runs the sweepers (CELERY_BEAT_SCHEDULE in warroom/settings.py); due times are database columns.
"""

from celery import shared_task

from integrations.outbound.jira import JiraConfig, JiraError, create_issue
from warroom.celery import enqueue_on_commit

from .actions import follow_up


@shared_task(acks_late=True, ignore_result=True)
def sweep_overdue_reminders() -> int:
    return follow_up.send_overdue_reminders()


@shared_task(acks_late=True, ignore_result=True)
def sweep_weekly_digests() -> int:
    return follow_up.send_weekly_digests()


@shared_task(acks_late=True, ignore_result=True)
def sweep_jira_exports() -> int:
    """Queue every export whose retry time has come (and any a dead worker left half-done)."""
    due = follow_up.exports_due()
    for item_id in due:
        export_action_item_to_jira.delay(item_id)
    return len(due)


@shared_task(acks_late=True, ignore_result=True)
def export_action_item_to_jira(item_id: int) -> None:
    """Create the Jira issue for one item; a failure is stored with its retry time, never raised."""
    item = follow_up.claim_jira_export(item_id)
    if item is None:
        return  # exported already, or another worker holds it
    labels = ["warroom", item.incident.ref.lower(), f"action-{item.type}"]
    try:
        issue = create_issue(
            JiraConfig.from_settings(), summary=item.title, description=follow_up.jira_description(item), labels=labels
        )
    except JiraError as error:
        follow_up.finish_jira_export(item_id, error=error)
        return
    follow_up.finish_jira_export(item_id, issue=issue)


def send_to_jira_on_commit(*items) -> None:
    """Queue the export of items an action marked due, once the transaction commits."""
    for item in items:
        enqueue_on_commit(export_action_item_to_jira, item.pk)  # the Jira sweeper retries what the broker lost
