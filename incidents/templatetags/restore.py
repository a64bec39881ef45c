"""The room's restore slot and theories board, loaded in a fixed number of queries (restore_live.restore_context)."""

from datetime import datetime, timedelta

from django import template

from ..forms_restore import AssessmentForm, TheoryForm, TimestampsForm
from ..restore_live import restore_context

register = template.Library()


def _shared(context) -> dict:
    cached = context.render_context.get("_restore_context")
    if cached is None:
        cached = restore_context(context["incident"])
        context.render_context["_restore_context"] = cached
    return cached


@register.inclusion_tag("incidents/_restore.html", takes_context=True)
def restore_panels(context):
    data = _shared(context)
    incident = context["incident"]
    assessment = data["assessment"]
    initial = {"services": list(incident.services.all())}
    if assessment is not None:
        initial.update(
            users_affected_pct=assessment.users_affected_pct,
            core_flow_down=assessment.core_flow_down,
            customer_visible=assessment.customer_visible,
            notes=assessment.notes,
        )
    times = {f: getattr(incident, f) for f in ("started_at", "detected_at", "acknowledged_at")}
    return {
        **data,
        "can_write": context.get("can_write", False),
        "request": context.get("request"),
        "assessment_form": AssessmentForm(initial=initial),
        "timestamps_form": TimestampsForm(initial=times),
    }


@register.inclusion_tag("incidents/_restore_theories.html", takes_context=True)
def theories_panel(context):
    return {**_shared(context), "can_write": context.get("can_write", False), "theory_form": TheoryForm()}


@register.filter
def after_start(incident, field: str) -> timedelta | None:
    """How long after impact began the incident reached a lifecycle time."""
    value = getattr(incident, field, None)
    return value - incident.started_at if value else None


@register.filter
def add_hours(value: datetime | None, hours: int) -> datetime | None:
    return value + timedelta(hours=int(hours)) if value else None
