"""Alertmanager deliveries: grouped by groupKey, matched by fingerprint + startsAt, repeats change nothing."""

import copy

from incidents import actions
from incidents.models import EntryKind, Incident, Status, TimelineEntry
from integrations.models import Alert, AlertGroup, Delivery, DeliveryStatus

from .conftest import payload


def snapshot():
    return (Incident.objects.count(), AlertGroup.objects.count(), Alert.objects.count(), TimelineEntry.objects.count())


def test_it_declares_an_incident_from_a_critical_firing_group(make_endpoint, sender, checkout, alice):
    endpoint, path = make_endpoint("alertmanager")
    delivery = sender.deliver(path, payload("alertmanager-firing"))
    assert delivery.status == DeliveryStatus.PROCESSED
    incident = Incident.objects.get()
    assert (incident.title, incident.severity, incident.status) == (
        "Checkout 5xx above 5%",
        "SEV2",
        Status.INVESTIGATING,
    )
    assert list(incident.services.all()) == [checkout]
    assert incident.commander == alice
    assert incident.started_at.isoformat().startswith("2026-11-23T21:00:03")
    group = AlertGroup.objects.get()
    assert group.incident == incident and group.group_key == payload("alertmanager-firing")["groupKey"]
    assert sorted(group.alerts.values_list("fingerprint", "status")) == [
        ("9aea965f6845eb36", "firing"),
        ("d72d4e1e4ed52c15", "firing"),
    ]
    declared, arrival = incident.entries.order_by("pk")
    assert declared.kind == EntryKind.DECLARED
    assert arrival.kind == EntryKind.ALERT
    assert arrival.body.startswith("2 alerts are firing, from alertmanager\\-0:")
    assert "**CheckoutErrorRate** (checkout\\-1:8080): Checkout 5xx above 5%" in arrival.body
    assert 'href="http://prometheus.example:9090/graph?' in arrival.html


def test_it_creates_nothing_new_when_the_same_delivery_repeats(make_endpoint, sender):
    _, path = make_endpoint("alertmanager")
    sender.deliver(path, payload("alertmanager-firing"))
    before = snapshot()
    again = sender.deliver(path, payload("alertmanager-firing"))
    assert again.status == DeliveryStatus.PROCESSED
    assert snapshot() == before == (1, 1, 2, 2)


def test_it_posts_a_partial_resolution_and_keeps_the_rest_firing(make_endpoint, sender):
    _, path = make_endpoint("alertmanager")
    sender.deliver(path, payload("alertmanager-firing"))
    sender.deliver(path, payload("alertmanager-partly-resolved"))
    incident = Incident.objects.get()
    last = incident.entries.order_by("pk").last()
    assert last.body.startswith("1 alert resolved at the source")
    assert "checkout\\-1:8080" in last.body
    assert dict(Alert.objects.values_list("fingerprint", "status")) == {
        "9aea965f6845eb36": "resolved",
        "d72d4e1e4ed52c15": "firing",
    }
    assert not incident.entries.filter(metadata__all_resolved=True).exists()


def test_it_says_all_alerts_resolved_but_leaves_the_incident_to_people(make_endpoint, sender):
    _, path = make_endpoint("alertmanager")
    for name in ("alertmanager-firing", "alertmanager-partly-resolved", "alertmanager-resolved"):
        sender.deliver(path, payload(name))
    incident = Incident.objects.get()
    assert incident.status == Status.INVESTIGATING and incident.resolved_at is None
    bodies = [e.body for e in incident.entries.order_by("pk")]
    assert bodies[-1] == "All alerts of this incident resolved. The incident stays open until someone resolves it."
    assert bodies[-2].startswith("1 alert resolved at the source")
    before = snapshot()
    sender.deliver(path, payload("alertmanager-resolved"))
    sender.deliver(path, payload("alertmanager-partly-resolved"))  # a late retry arriving out of order
    assert snapshot() == before


def test_it_treats_a_new_start_after_resolution_as_a_new_alert_in_the_same_incident(make_endpoint, sender):
    _, path = make_endpoint("alertmanager")
    sender.deliver(path, payload("alertmanager-firing"))
    sender.deliver(path, payload("alertmanager-resolved"))
    refire = payload("alertmanager-firing")
    refire["alerts"] = refire["alerts"][:1]
    refire["alerts"][0]["startsAt"] = "2026-11-23T21:30:00Z"
    sender.deliver(path, refire)
    incident = Incident.objects.get()
    assert Alert.objects.filter(fingerprint="9aea965f6845eb36").count() == 2
    assert incident.entries.order_by("pk").last().body.startswith("1 alert is firing")


def test_it_attaches_to_the_open_incident_of_the_alerts_service_instead_of_declaring(make_endpoint, sender, incident):
    _, path = make_endpoint("alertmanager")
    sender.deliver(path, payload("alertmanager-firing"))
    assert Incident.objects.get() == incident
    assert AlertGroup.objects.get().incident == incident
    assert incident.entries.filter(kind=EntryKind.ALERT).count() == 1


def test_it_attaches_new_alerts_of_a_group_to_its_incident(make_endpoint, sender):
    _, path = make_endpoint("alertmanager")
    sender.deliver(path, payload("alertmanager-firing"))
    more = payload("alertmanager-firing")
    third = copy.deepcopy(more["alerts"][0])
    third.update(
        fingerprint="0f0f0f0f0f0f0f0f", labels={**third["labels"], "instance": "checkout-3:8080", "service": "unknown"}
    )
    more["alerts"].append(third)
    sender.deliver(path, more)
    assert Incident.objects.count() == 1
    assert Incident.objects.get().entries.order_by("pk").last().body.startswith("1 alert is firing")


def test_it_declares_anew_when_the_groups_incident_was_resolved(make_endpoint, sender, alice):
    _, path = make_endpoint("alertmanager")
    sender.deliver(path, payload("alertmanager-firing"))
    first = Incident.objects.get()
    actions.resolve(first, actor=alice)
    refire = payload("alertmanager-firing")
    for alert in refire["alerts"]:
        alert["startsAt"] = "2026-11-24T08:00:00Z"
    sender.deliver(path, refire)
    second = Incident.objects.exclude(pk=first.pk).get()
    assert AlertGroup.objects.get().incident == second


def test_it_never_matches_alerts_by_summary_text(make_endpoint, sender, checkout):
    _, path = make_endpoint("alertmanager")
    sender.deliver(path, payload("alertmanager-firing"))
    other = payload("alertmanager-firing")
    other["groupKey"] = '{}:{alertname="CheckoutErrorRate", service="checkout", region="eu"}'
    for alert in other["alerts"]:
        alert["fingerprint"] = "e" + alert["fingerprint"][1:]
    sender.deliver(path, other)
    # Same summary, different group and fingerprints: distinct alerts (attached to the open incident of checkout).
    assert Alert.objects.count() == 4 and AlertGroup.objects.count() == 2
    assert Incident.objects.count() == 1


def test_it_writes_nothing_when_processing_fails_halfway(make_endpoint, sender, checkout):
    # No commander anywhere: the declaration is refused after the group and alerts were written.
    _, path = make_endpoint("alertmanager", commander=None)
    delivery = sender.deliver(path, payload("alertmanager-firing"))
    assert delivery.status == DeliveryStatus.FAILED
    assert "has no commander" in delivery.note
    assert snapshot() == (0, 0, 0, 0)


def test_it_processes_a_failed_delivery_again_after_the_fix(
    make_endpoint, sender, alice, client, django_user_model, django_capture_on_commit_callbacks
):
    from integrations import tasks

    endpoint, path = make_endpoint("alertmanager", commander=None)
    delivery = sender.deliver(path, payload("alertmanager-firing"))
    endpoint.commander = alice
    endpoint.save()
    # Created only now: a superuser is the fallback commander, and the first delivery must find none.
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.com", "pw"))
    with django_capture_on_commit_callbacks() as callbacks:
        action = {"action": "process_again", "_selected_action": [delivery.pk]}
        response = client.post("/admin/integrations/delivery/", action)
    assert response.status_code == 302
    assert len(callbacks) == 1
    assert Delivery.objects.get().status == DeliveryStatus.RECEIVED
    tasks.process_delivery(delivery.pk)
    assert Delivery.objects.get().status == DeliveryStatus.PROCESSED
    assert Incident.objects.get().commander == alice


def test_it_notes_alerts_the_sender_truncated(make_endpoint, sender):
    _, path = make_endpoint("alertmanager")
    body = payload("alertmanager-firing")
    body["truncatedAlerts"] = 7
    sender.deliver(path, body)
    assert AlertGroup.objects.get().truncated_alerts == 7
    assert "7 more alerts of this group were not sent." in TimelineEntry.objects.last().body
