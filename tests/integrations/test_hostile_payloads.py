"""Hostile or broken alert payloads: a stray NUL still declares; absurd nesting is refused at the door."""

import pytest

from incidents.models import EntryKind, Incident
from integrations.models import Delivery

from .conftest import payload


def test_a_nul_byte_in_an_alert_is_dropped_and_the_alert_still_declares(make_endpoint, sender, checkout):
    _, path = make_endpoint("generic")
    body = {**payload("generic-firing"), "title": "Disk 95% full\u0000 on db-1", "labels": {"host\u0000": "db\u00001"}}
    delivery = sender.deliver(path, body)
    assert delivery.status == "processed", delivery.note
    incident = Incident.objects.get()
    assert incident.title == "Disk 95% full on db-1"


def test_a_lone_surrogate_in_an_alert_does_not_poison_the_delivery(make_endpoint, sender, checkout):
    _, path = make_endpoint("generic")
    raw = '{"alert_uid": "x1", "status": "firing", "title": "bad \\udc00 text", "severity": "critical"}'
    delivery = sender.deliver(path, raw=raw)
    assert delivery.status == "processed", delivery.note
    assert Incident.objects.get().title.startswith("bad ")


def test_absurdly_nested_json_is_refused_with_a_400_and_stores_nothing(make_endpoint, sender):
    _, path = make_endpoint("generic")
    response = sender.post(path, raw="[" * 100_000 + "]" * 100_000)
    assert response.status_code == 400
    assert "nested too deeply" in response.json()["error"]
    assert not Delivery.objects.exists()


@pytest.mark.parametrize("title", ["5% <script>alert(1)</script> errors", "**bold** [link](javascript:x)"])
def test_an_alert_title_is_shown_as_sent_in_the_declared_entry(make_endpoint, sender, checkout, title):
    _, path = make_endpoint("generic")
    sender.deliver(path, {**payload("generic-firing"), "title": title})
    entry = Incident.objects.get().entries.get(kind=EntryKind.DECLARED)
    assert "<script>" not in entry.html and "javascript:" not in entry.html.replace("[link](javascript:x)", "")
    visible = entry.html.replace("&lt;", "<").replace("&gt;", ">")
    assert title in visible
