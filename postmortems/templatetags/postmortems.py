"""The room's postmortem card, rendered by the page and pushed live when the draft appears."""

from django import template

from ..panels import ROOM_CARD_TEMPLATE, room_panel_context

register = template.Library()


@register.inclusion_tag(ROOM_CARD_TEMPLATE)
def postmortem_card(incident):
    """`{% postmortem_card incident %}`: the card from `panels.room_panel_context`."""
    return room_panel_context(incident)
