"""`{% alerts_panel incident %}`: the room's Alerts panel, rendered from integrations.panels."""

from django import template
from django.utils.safestring import mark_safe

from .. import panels

register = template.Library()


@register.simple_tag
def alerts_panel(incident) -> str:
    # A thin wrapper until the room's panel registry renders panels.PARTIAL with panels.room_panel_context.
    # The partial autoescapes every label and annotation; its output is template HTML.
    return mark_safe(panels.render_panel(incident))  # noqa: S308


@register.filter
def http_link(url: str) -> str:
    """A link target only when it is http(s); anything else (javascript:, data:) shows as no link."""
    return url if isinstance(url, str) and url.startswith(("http://", "https://")) else ""
