"""Paging the on-call: a PagerDuty Events API v2 `trigger` (or the same JSON to a generic webhook) with a link to
the room, and a `resolve` with the same dedup_key when the incident resolves.

`integrations.actions.page_on_call` records the Page (owed for delivery) and its timeline entry; the caller queues
`tasks.send_page` after commit, which posts it once and retries with back-off. After the last attempt the room says
the page failed, once. A private incident's page names only its ref, never its title.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from incidents.actions.timeline import record
from incidents.models import EntryKind, Incident

from ..models import PAGERDUTY_EVENTS_URL, Page, PageState, PagingKind, PagingTarget
from .chat import ChatDeliveryError, post, room_url

log = logging.getLogger(__name__)

DEFAULT_TARGET = "default"
STALE_MINUTES = 10
SEVERITY = {"SEV1": "critical", "SEV2": "critical", "SEV3": "error", "SEV4": "warning", "SEV5": "warning"}


class PageDeliveryError(ChatDeliveryError):
    """The paging target did not take the event (network error or non-2xx answer); the task retries."""


def default_target() -> PagingTarget | None:
    """The environment's PagerDuty target (PAGING_ROUTING_KEY, PAGING_URL or PagerDuty's own), unsaved; or None."""
    if not settings.PAGING_ROUTING_KEY:
        return None
    return PagingTarget(
        name="On-call (default)",
        kind=PagingKind.PAGERDUTY,
        url=settings.PAGING_URL or PAGERDUTY_EVENTS_URL,
        routing_key=settings.PAGING_ROUTING_KEY,
    )


def targets() -> list[tuple[str, PagingTarget]]:
    """(choice value, target) of every enabled target: the environment's first (value "default"), then the admin's."""
    found = [(DEFAULT_TARGET, t) for t in [default_target()] if t is not None]
    found += [(str(t.pk), t) for t in PagingTarget.objects.filter(enabled=True).select_related("service", "team")]
    return found


def find_target(value) -> PagingTarget | None:
    """A target by its id, its name, or "default"; None when no enabled target answers to it."""
    value = str(value if value is not None else "").strip()
    for choice, target in targets():
        if value in (choice, target.name):
            return target
    return None


def summary(incident: Incident) -> str:
    if incident.is_private:
        return f"{incident.ref} needs you (private incident)"
    return f"{incident.ref} [{incident.severity}] {incident.title}"[:1024]


def event(page: Page, action: str) -> dict:
    """The PagerDuty Events API v2 body of a trigger or a resolve of this page."""
    body = {"routing_key": page.routing_key, "event_action": action, "dedup_key": page.dedup_key}
    if action == "trigger":
        incident = page.incident
        url = room_url(incident)
        body["payload"] = {
            "summary": summary(incident),
            "source": "warroom",
            "severity": SEVERITY.get(incident.severity, "error"),
            "custom_details": {"incident": incident.ref, "room": url},
        }
        body["links"] = [{"href": url, "text": f"War room of {incident.ref}"}]
        body["client"] = "Warroom"
        body["client_url"] = url
    return body


def send(page_id: int, action: str = "trigger") -> None:
    """Post the trigger (or the resolve) of a page once; raises PageDeliveryError for the task to retry.

    A trigger already sent, or a resolve already sent or not owed, is skipped: a re-delivered task does nothing."""
    page = Page.objects.select_related("incident").filter(pk=page_id).first()
    if page is None:
        return
    field = "state" if action == "trigger" else "resolve_state"
    if getattr(page, field) != PageState.PENDING:
        return
    attempts = page.attempts + 1
    try:
        post(page.url, event(page, action))
    except ChatDeliveryError as error:
        Page.objects.filter(pk=page.pk).update(attempts=attempts, last_error=str(error)[:500])
        raise PageDeliveryError(str(error)) from error
    done = {"sent_at": timezone.now()} if action == "trigger" else {"resolved_at": timezone.now()}
    Page.objects.filter(pk=page.pk, **{field: PageState.PENDING}).update(
        attempts=attempts, last_error="", **{field: PageState.SENT}, **done
    )


def give_up(page_id: int, action: str, error: str) -> None:
    """After the last retry: mark the page failed and tell the room, once."""
    field = "state" if action == "trigger" else "resolve_state"
    with transaction.atomic():
        page = Page.objects.filter(pk=page_id).first()
        if page is None or not Page.objects.filter(pk=page_id, **{field: PageState.PENDING}).update(
            **{field: PageState.FAILED}
        ):
            return
        log.warning("page %s (%s) failed after %s attempts: %s", page_id, action, page.attempts, error)
        what = "The page to" if action == "trigger" else "Resolving the page of"
        record(
            page.incident_id,
            kind=EntryKind.SYSTEM,
            body=f"{what} {page.target_name} failed after {page.attempts} attempts ({error}). "
            "Reach the on-call another way; an admin can check the target under Admin › Integrations.",
            metadata={"page_failed": page.pk, "event_action": action, "attempts": page.attempts, "error": error[:500]},
        )


def owe_resolves(incident: Incident) -> list[int]:
    """The incident resolved: each page that was sent now owes a resolve. Returns their ids for the caller to queue."""
    ids = list(
        Page.objects.filter(incident=incident, state=PageState.SENT, resolve_state="").values_list("pk", flat=True)
    )
    Page.objects.filter(pk__in=ids).update(
        resolve_state=PageState.PENDING, resolve_owed_at=timezone.now(), attempts=0, last_error=""
    )
    return ids


def due_pages() -> list[tuple[int, str]]:
    """(page id, action) of every trigger or resolve still owed once its task's retries are long over (a lost task):
    the sweeper sends them. A repeat is harmless: PagerDuty folds events of one dedup_key together."""
    stale = timezone.now() - timedelta(minutes=STALE_MINUTES)
    triggers = Page.objects.filter(state=PageState.PENDING, created_at__lt=stale).values_list("pk", flat=True)[:200]
    resolves = Page.objects.filter(resolve_state=PageState.PENDING, resolve_owed_at__lt=stale).values_list(
        "pk", flat=True
    )[:200]
    return [(pk, "trigger") for pk in triggers] + [(pk, "resolve") for pk in resolves]
