"""The live broadcaster: one message per committed transaction, panels chosen by the entry kinds written,
rendered once per audience."""

import re

from incidents import actions
from incidents.comms import actions as comms
from incidents.live.broadcast import ALL_PANELS, PANELS_FOR_KIND
from incidents.models import EntryKind
from incidents.room.panels import REGISTRY

PANEL_IDS = {
    "header": "room-header",
    "summary": "room-summary",
    "roles": "roles-panel",
    "cadence": "comms-panel",
    "composer": "update-composer",
    "restore": "recovery-panel",
    "theories": "theory-list",
}


def panel_count(html: str, name: str) -> int:
    return len(re.findall(rf'id="{PANEL_IDS[name]}"', html))


def test_it_names_only_panels_the_room_registers():
    named = set().union(*PANELS_FOR_KIND.values())
    assert named <= ALL_PANELS
    assert set(PANEL_IDS) <= set(REGISTRY)


def test_it_sends_each_affected_panel_exactly_once_when_resolving(incident, alice, capture_broadcasts):
    with capture_broadcasts(incident) as sent:
        actions.resolve(incident, actor=alice)
    assert [m["type"] for m in sent] == ["room.update"]
    [message] = sent
    kinds = set(incident.entries.filter(pk__in=[pk for pk, _ in message["entries"]]).values_list("kind", flat=True))
    assert {EntryKind.STATUS, EntryKind.SYSTEM} <= kinds  # the status change and the communication record
    for audience in ("write", "read"):
        html = message["panels"][audience]
        for name in ("header", "summary", "roles", "cadence", "restore", "theories"):
            assert panel_count(html, name) == 1, (audience, name)


def test_it_pushes_every_panel_that_shows_the_severity_with_the_new_value(incident, alice, capture_broadcasts):
    assert incident.severity == "SEV2"
    with capture_broadcasts(incident) as sent:
        actions.change_severity(incident, severity="SEV1", actor=alice)
    [message] = sent
    html = message["panels"]["write"]
    header = re.search(r'<header id="room-header".*?</header>', html, re.S).group(0)
    assert 'class="sev sev-sev1"' in header
    assert "SEV1 default: every 15 min" in html and "SEV2 default" not in html
    assert "(SEV1 · Critical)" in html  # the update composer's prefilled status
    incident.refresh_from_db()
    assert f"{incident.next_update_due_at:%H:%M:%S} UTC" in html  # the promise moved to the new cadence


def test_it_renders_a_read_only_variant_without_write_controls(incident, alice, bob, capture_broadcasts):
    comms.post_update(incident, actor=bob, audience="external", status="Investigating checkout errors.")
    with capture_broadcasts(incident) as sent:
        actions.change_status(incident, status="identified", actor=alice)
    [message] = sent
    writers, readers = message["panels"]["write"], message["panels"]["read"]
    assert "<form" in writers and "<button" in writers and "Add action item" in writers
    for html in [readers, *(html for _, html in message["entries_read"])]:
        assert "<form" not in html and "<button" not in html and 'class="button' not in html
        assert "entry-promote" not in html
    for name in ("header", "roles", "cadence", "restore"):
        assert panel_count(readers, name) == 1


def test_it_sends_nothing_when_the_transaction_rolls_back(incident, alice, capture_broadcasts):
    from django.db import transaction

    with capture_broadcasts(incident) as sent:
        try:
            with transaction.atomic():
                actions.post_entry(incident, kind="note", body="never committed", actor=alice)
                raise RuntimeError("abort")
        except RuntimeError:
            pass
        actions.post_entry(incident, kind="note", body="committed", actor=alice)
    [message] = sent
    assert len(message["entries"]) == 1 and "committed" in message["entries"][0][1]
    assert "never committed" not in message["entries"][0][1]
