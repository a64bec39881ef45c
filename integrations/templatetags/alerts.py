"""`{% alerts_panel incident %}`: the room's Alerts panel (integrations/panels.py), at the room's alerts slot."""

from django import template
from django.utils.safestring import mark_safe

from ..panels import render_panel

register = template.Library()


@register.simple_tag
def alerts_panel(incident) -> str:
    # render_panel autoescapes every label and annotation; its output is template HTML.
    return mark_safe(render_panel(incident.pk))  # noqa: S308


@register.filter
def http_link(url: str) -> str:
    """A link target only when it is http(s); anything else (javascript:, data:) shows as no link."""
    return url if isinstance(url, str) and url.startswith(("http://", "https://")) else ""
