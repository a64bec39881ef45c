"""Action item personas: a SMART item raised on the checkout incident, and a factory for more."""

import pytest

from action_items import actions as item_actions

GOOD = {
    "title": "Add an alert on checkout 5xx rate",
    "type": "detect",
    "description": "On-call is paged within 5 minutes when the 5xx rate passes 2%.",
}


@pytest.fixture
def raise_item(alice):
    """Raise a SMART item through the action, as alice unless `actor` is given; overrides change single fields."""

    def make(incident, owner, actor=None, **overrides):
        return item_actions.create_action_item(incident, actor=actor or alice, owner=owner, **{**GOOD, **overrides})

    return make


@pytest.fixture
def item(incident, bob, raise_item):
    return raise_item(incident, bob)
