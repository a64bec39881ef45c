"""The room's Alerts panel: labels, annotations, source link and state; alert text is escaped everywhere."""

import copy

from django.template.loader import render_to_string
from django.urls import reverse

from incidents.models import TimelineEntry
from integrations import panels
from integrations.models import Alert

from .conftest import payload

HOSTILE = '<img src=x onerror="alert(1)">'


def hostile_delivery():
    body = payload("alertmanager-firing")
    alert = body["alerts"][0]
    alert["labels"]["instance"] = HOSTILE
    alert["labels"]["team"] = "<script>steal()</script>"
    alert["annotations"]["summary"] = f"[click me](javascript:alert(1)) **bold** {HOSTILE}"
    alert["annotations"]["runbook_url"] = "javascript:alert(2)"
    alert["generatorURL"] = "javascript:alert(3)"
    return body


def test_it_lists_attached_alerts_in_the_room(make_endpoint, sender, client, alice):
    _, path = make_endpoint("alertmanager")
    sender.deliver(path, payload("alertmanager-partly-resolved"))
    incident = Alert.objects.first().group.incident
    client.force_login(alice)
    html = client.get(reverse("incidents:room", args=[incident.pk])).content.decode()
    panel = html[html.index('id="alerts-panel"') :]
    assert "1 firing" in panel
    assert panel.count('class="alert-item alert-firing"') == 1 and panel.count('class="alert-item alert-resolved"') == 1
    assert '<span class="label-name">instance</span>=<span class="label-value">checkout-2:8080</span>' in panel
    assert "<dt>runbook_url</dt><dd>https://runbooks.example/checkout-5xx</dd>" in panel
    assert 'href="http://prometheus.example:9090/graph?g0.expr=' in panel
    assert "Started 2026-11-23 21:00 UTC" in panel


def test_it_escapes_alert_text_in_the_panel_and_the_timeline(make_endpoint, sender, client, alice):
    _, path = make_endpoint("alertmanager")
    sender.deliver(path, hostile_delivery())
    incident = Alert.objects.first().group.incident
    client.force_login(alice)
    html = client.get(reverse("incidents:room", args=[incident.pk])).content.decode()
    assert "<img" not in html and "<script>steal" not in html
    assert 'href="javascript' not in html and "<script>steal" not in html
    assert "<dt>runbook_url</dt><dd>javascript:alert(2)</dd>" in html  # shown as text, never a link
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
    entry = TimelineEntry.objects.filter(kind="alert").get()
    assert "<img" not in entry.html and "<strong>bold</strong>" not in entry.html
    assert entry.html.count("<a ") == 1  # only the other alert's http source link
    assert '[click me](javascript:alert(1)) **bold** &lt;img src=x onerror="alert(1)"&gt;' in entry.html


def test_it_loads_the_panel_with_a_constant_number_of_queries(
    make_endpoint, sender, checkout, django_assert_max_num_queries
):
    from integrations.models import PagingTarget

    for i in range(5):  # the "Page on-call" choices, each naming its service
        PagingTarget.objects.create(name=f"on-call {i}", routing_key="k", service=checkout, team=checkout.team)
    _, path = make_endpoint("alertmanager")
    body = payload("alertmanager-firing")
    for i in range(30):
        extra = copy.deepcopy(body["alerts"][0])
        extra["fingerprint"] = f"{i:016x}"
        body["alerts"].append(extra)
    sender.deliver(path, body)
    incident = Alert.objects.select_related("group__incident").first().group.incident
    with django_assert_max_num_queries(3):  # the groups, their alerts, the paging targets
        html = render_to_string(
            panels.PARTIAL, {"can_write": True, "incident": incident, **panels.room_panel_context(incident)}
        )
    assert "32 firing" in html
    assert html.count("<option") == 5 and "Checkout (on-call 4)" in html


def test_it_pushes_the_panel_to_open_rooms_after_a_delivery(make_endpoint, incident, capture_broadcasts):
    import json

    from integrations import ingest
    from integrations.models import Delivery

    endpoint, _ = make_endpoint("alertmanager")
    delivery = Delivery.objects.create(endpoint=endpoint, body=json.dumps(payload("alertmanager-firing")))
    with capture_broadcasts(incident) as messages:
        ingest.process_delivery(delivery.pk)
    [message] = messages
    panel = message["panels"]["write"]
    assert 'id="alerts-panel"' in panel and 'hx-swap-oob="true"' in panel and "2 firing" in panel
    assert message["entries"] and all("alert" in html.lower() for _, html in message["entries"])
