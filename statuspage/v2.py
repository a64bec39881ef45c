"""Atlassian Statuspage's public API v2, read-only and without login, so a client written for Statuspage reads
this page unchanged: /status/api/v2/summary.json, status.json, components.json, incidents.json,
incidents/unresolved.json, scheduled-maintenances.json, scheduled-maintenances/upcoming.json and .../active.json.

Field names and values are Statuspage's; the services named publicly are the components. Every answer carries an
ETag of its body and a short Cache-Control, and a conditional GET with a matching If-None-Match answers 304.
"""

import hashlib
import json
from datetime import UTC, datetime

from django.contrib.auth.decorators import login_not_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.utils.cache import get_conditional_response
from django.views.decorators.http import require_safe

from . import public
from .branding import Branding, branding
from .models import Maintenance

CACHE_CONTROL = "public, max-age=30"
# Statuspage's default wording of a maintenance's steps (its windows have no separate update records here).
MAINTENANCE_WORDING = {
    Maintenance.Status.IN_PROGRESS: "Scheduled maintenance is currently in progress. We will provide updates as necessary.",
    Maintenance.Status.COMPLETED: "The scheduled maintenance has been completed.",
}


def stamp(value: datetime | None) -> str | None:
    """Statuspage's timestamps: ISO 8601 with milliseconds and the offset (UTC here)."""
    return value.astimezone(UTC).isoformat(timespec="milliseconds") if value else None


def page_json(brand: Branding, updated_at: datetime) -> dict:
    return {
        "id": brand.page_id,
        "name": brand.name,
        "url": brand.public_url.rstrip("/"),
        "time_zone": "Etc/UTC",
        "updated_at": stamp(updated_at),
    }


def component_json(component: public.Component, brand: Branding) -> dict:
    return {
        "id": component.service.slug,
        "name": component.service.name,
        "status": component.status,
        "created_at": stamp(component.created_at),
        "updated_at": stamp(component.updated_at),
        "position": component.position,
        "description": None,  # a service's description is written for the team, not for customers
        "showcase": True,
        "start_date": None,
        "group_id": None,
        "page_id": brand.page_id,
        "group": False,
        "only_show_if_degraded": False,
    }


def update_json(
    *, id: str, incident_id: str, status: str, body: str, at: datetime, affected: list | None, deliver=True
) -> dict:
    return {
        "id": id,
        "status": status,
        "body": body,
        "incident_id": incident_id,
        "created_at": stamp(at),
        "updated_at": stamp(at),
        "display_at": stamp(at),
        "affected_components": affected,
        "deliver_notifications": deliver,
        "custom_tweet": None,
        "tweet_id": None,
    }


def incident_json(incident: public.PublicIncident, by_service: dict[int, dict], brand: Branding) -> dict:
    updates = []
    # Oldest first to know each component's previous state, answered newest first as Statuspage does.
    previous = {service.pk: "operational" for service in incident.services}
    for update in reversed(incident.updates):
        affected = []
        for service in incident.services:
            affected.append(
                {
                    "code": service.slug,
                    "name": service.name,
                    "old_status": previous[service.pk],
                    "new_status": update.component_state,
                }
            )
            previous[service.pk] = update.component_state
        updates.append(
            update_json(
                id=str(update.id),
                incident_id=str(incident.id),
                status=update.state,
                body=update.text,
                at=update.published_at,
                affected=affected or None,
            )
        )
    updates.reverse()
    return {
        "id": str(incident.id),
        "name": incident.name,
        "status": incident.status,
        "created_at": stamp(incident.created_at),
        "updated_at": stamp(incident.updated_at),
        "monitoring_at": stamp(incident.monitoring_at),
        "resolved_at": stamp(incident.public_resolved_at),
        "impact": incident.impact,
        "shortlink": brand.link(f"incidents/{incident.id}/"),
        "started_at": stamp(incident.created_at),
        "page_id": brand.page_id,
        "incident_updates": updates,
        "components": [by_service[s.pk] for s in incident.services if s.pk in by_service],
    }


def maintenance_json(window: public.PublicMaintenance, by_service: dict[int, dict], brand: Branding) -> dict:
    m = window.maintenance
    steps = [(Maintenance.Status.SCHEDULED, m.created_at, m.body)]
    if m.started_at:
        steps.append(
            (Maintenance.Status.IN_PROGRESS, m.started_at, MAINTENANCE_WORDING[Maintenance.Status.IN_PROGRESS])
        )
    if m.completed_at:
        steps.append((Maintenance.Status.COMPLETED, m.completed_at, MAINTENANCE_WORDING[Maintenance.Status.COMPLETED]))
    updates = [
        update_json(id=f"m{m.pk}-{status}", incident_id=f"m{m.pk}", status=status, body=body, at=at, affected=None)
        for status, at, body in reversed(steps)
    ]
    return {
        "id": f"m{m.pk}",
        "name": m.title,
        "status": m.status,
        "created_at": stamp(m.created_at),
        "updated_at": stamp(m.updated_at),
        "monitoring_at": None,
        "resolved_at": stamp(m.completed_at),
        "impact": "maintenance",
        "shortlink": brand.link(f"#maintenance-{m.pk}"),
        "started_at": stamp(m.started_at or m.starts_at),
        "page_id": brand.page_id,
        "incident_updates": updates,
        "components": [by_service[s.pk] for s in window.services if s.pk in by_service],
        "scheduled_for": stamp(m.starts_at),
        "scheduled_until": stamp(m.ends_at),
    }


def cached_json(request, data: dict) -> HttpResponse:
    """The answer with an ETag of its body; 304 when the client already holds it."""
    body = json.dumps(data, cls=DjangoJSONEncoder, separators=(",", ":"), ensure_ascii=False).encode()
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    response = get_conditional_response(request, etag=etag)
    if response is None:
        response = HttpResponse(body, content_type="application/json")
    response["ETag"] = etag
    response["Cache-Control"] = CACHE_CONTROL
    response["Access-Control-Allow-Origin"] = "*"  # public data: status widgets fetch it from other sites
    return response


class Answer:
    """What one request reads, loaded on demand so each endpoint runs only the queries it needs."""

    def __init__(self):
        self.brand = branding()
        self.snapshot = public.snapshot()
        self.by_service = {c.service.pk: component_json(c, self.brand) for c in self.snapshot.components}

    def page(self, *more: list) -> dict:
        times = [self.snapshot.updated_at]
        for items in more:
            times += [item.updated_at for item in items]
        return page_json(self.brand, max(times))

    def status(self) -> dict:
        return {"indicator": self.snapshot.indicator, "description": self.snapshot.description}

    def incidents(self, incidents) -> list[dict]:
        return [incident_json(i, self.by_service, self.brand) for i in incidents]

    def maintenances(self, windows) -> list[dict]:
        return [maintenance_json(m, self.by_service, self.brand) for m in windows]


def endpoint(build):
    """A public, read-only Statuspage endpoint: GET (and HEAD) only, no login, cached by ETag."""

    @login_not_required
    @require_safe
    def view(request):
        return cached_json(request, build(Answer()))

    view.__name__ = build.__name__
    view.__doc__ = build.__doc__
    return view


@endpoint
def summary(answer: Answer) -> dict:
    """The page, its components, unresolved incidents and upcoming or in-progress maintenance, and the status."""
    snapshot = answer.snapshot
    return {
        "page": answer.page(),
        "components": list(answer.by_service.values()),
        "incidents": answer.incidents(snapshot.open_incidents),
        "scheduled_maintenances": answer.maintenances(snapshot.active + snapshot.upcoming),
        "status": answer.status(),
    }


@endpoint
def status(answer: Answer) -> dict:
    return {"page": answer.page(), "status": answer.status()}


@endpoint
def components(answer: Answer) -> dict:
    return {"page": answer.page(), "components": list(answer.by_service.values())}


@endpoint
def incidents(answer: Answer) -> dict:
    """The newest 50 public incidents, resolved or not."""
    found = public.load_incidents(limit=public.INCIDENT_LIST_LIMIT)
    return {"page": answer.page(found), "incidents": answer.incidents(found)}


@endpoint
def unresolved_incidents(answer: Answer) -> dict:
    return {"page": answer.page(), "incidents": answer.incidents(answer.snapshot.open_incidents)}


@endpoint
def scheduled_maintenances(answer: Answer) -> dict:
    """The newest 50 maintenance windows, whatever their status."""
    found = public.load_maintenances(limit=public.INCIDENT_LIST_LIMIT, newest_first=True)
    return {"page": answer.page(found), "scheduled_maintenances": answer.maintenances(found)}


@endpoint
def upcoming_maintenances(answer: Answer) -> dict:
    return {"page": answer.page(), "scheduled_maintenances": answer.maintenances(answer.snapshot.upcoming)}


@endpoint
def active_maintenances(answer: Answer) -> dict:
    return {"page": answer.page(), "scheduled_maintenances": answer.maintenances(answer.snapshot.active)}
