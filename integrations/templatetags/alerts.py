"""Filters of the room's Alerts panel."""

from django import template

register = template.Library()


@register.filter
def http_link(url: str) -> str:
    """A link target only when it is http(s); anything else (javascript:, data:) shows as no link."""
    return url if isinstance(url, str) and url.startswith(("http://", "https://")) else ""
