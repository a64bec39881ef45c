"""How the room kept its update promises: read by the panel, the resolution record and the postmortem."""

from datetime import timedelta

from incidents.models import Audience, Incident, StatusUpdate


def promise_record(incident: Incident, updates: list[StatusUpdate] | None = None) -> dict:
    """Time to the first internal and external update, and how many updates kept their promised time."""
    if updates is None:
        updates = list(incident.status_updates.filter(state=StatusUpdate.State.PUBLISHED).order_by("published_at"))
    published = sorted((u for u in updates if u.published_at), key=lambda u: u.published_at)

    def first(audience: str) -> timedelta | None:
        times = [u.published_at for u in published if u.audience == audience]
        return (times[0] - incident.declared_at) if times else None

    verdicts = [u.on_time for u in published if u.on_time is not None]
    return {
        "first_internal": first(Audience.INTERNAL),
        "first_external": first(Audience.EXTERNAL),
        "published": len(published),
        "on_time": verdicts.count(True),
        "late": verdicts.count(False),
    }
