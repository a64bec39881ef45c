"""One notification pipeline for Slack, Microsoft Teams (Adaptive Card) and Mattermost: the same messages, each in
its chat's shape, posted to real local servers that record them; action-item reminders and digests go there too."""

from datetime import date, timedelta

import pytest

from action_items import actions as item_actions
from incidents import actions, tasks
from incidents.comms import actions as comms
from incidents.models import EntryKind, Incident
from integrations.models import ChatDelivery, ChatWebhook
from integrations.tasks import deliver_chat


@pytest.fixture
def chats(db, settings, recording_server):
    """A Slack, a Teams and a Mattermost webhook, each a recording server; Teams from the admin, the others from env."""
    settings.WARROOM_OUTBOUND_ALLOW_PRIVATE = True
    settings.SITE_URL = "https://warroom.example"
    servers = {"slack": recording_server(), "teams": recording_server(), "mattermost": recording_server()}
    settings.SLACK_WEBHOOK_URL = servers["slack"].url
    settings.MATTERMOST_WEBHOOK_URL = servers["mattermost"].url
    ChatWebhook.objects.create(kind="teams", name="Incidents channel", url=servers["teams"].url)
    return servers


def run_queued():
    """delay_on_commit queued the tasks; run them the way a worker would, retries included."""
    for delivery in ChatDelivery.objects.filter(state=ChatDelivery.State.PENDING).order_by("pk"):
        deliver_chat.apply(args=[delivery.pk])


def test_every_chat_gets_declare_update_reminder_and_resolve(
    chats, alice, checkout, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        incident = actions.declare_incident(
            actor=alice, title="Checkout returns 500", severity="SEV1", services=[checkout]
        )
        comms.post_update(incident, actor=alice, audience="internal", status="Rolling back checkout-api.")
        Incident.objects.filter(pk=incident.pk).update(next_update_due_at=incident.declared_at - timedelta(minutes=1))
        tasks.sweep_update_reminders()
        actions.resolve(incident, actor=alice)
    run_queued()
    room = f"https://warroom.example/incidents/{incident.pk}/"

    teams = [chats["teams"].json(i) for i in range(len(chats["teams"].received))]
    assert len(teams) == 4
    for message in teams:
        [attachment] = message["attachments"]
        assert message["type"] == "message" and attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
        card = attachment["content"]
        assert (card["type"], card["version"]) == ("AdaptiveCard", "1.4")
        assert card["body"][0]["text"] == f"SEV1 · INC-{incident.pk} Checkout returns 500"
        assert card["body"][0]["color"] == "Attention"
        assert card["actions"] == [{"type": "Action.OpenUrl", "title": "Open the war room", "url": room}]
    texts = [m["attachments"][0]["content"]["body"][1]["text"] for m in teams]
    assert texts[0].startswith("Incident declared") and "Rolling back checkout-api." in texts[1]
    assert "Status update overdue" in texts[2] and texts[3].startswith("Resolved")

    mattermost = [chats["mattermost"].json(i) for i in range(4)]
    assert len(chats["mattermost"].received) == 4
    assert all(m["username"] == "Warroom" for m in mattermost)
    assert all(m["text"].startswith(f"**SEV1** [INC-{incident.pk} Checkout returns 500]({room})\n") for m in mattermost)
    assert "Rolling back checkout-api." in mattermost[1]["text"]

    assert len(chats["slack"].received) == 4
    assert f"<{room}|INC-{incident.pk} Checkout returns 500>" in chats["slack"].json(0)["text"]
    assert set(ChatDelivery.objects.values_list("kind", "state")) == {
        ("slack", "sent"),
        ("teams", "sent"),
        ("mattermost", "sent"),
    }


def test_action_item_reminders_and_digests_reach_every_chat(
    chats, alice, bob, incident, django_capture_on_commit_callbacks
):
    item = item_actions.create_action_item(
        incident,
        actor=alice,
        title="Add a canary stage to checkout deploys",
        owner=bob,
        type="prevent",
        description="Every deploy passes a 5% canary.",
        due_date=date.today() + timedelta(days=1),
    )
    ChatDelivery.objects.all().delete()  # what the declaration sent is not this test's
    today = date.today() + timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=False):
        assert item_actions.follow_up.send_overdue_reminders(today=today) == 1
        assert item_actions.follow_up.send_overdue_reminders(today=today) == 0  # once a day
        assert item_actions.follow_up.send_weekly_digests(today=today) >= 1
    run_queued()
    for name, server in chats.items():
        bodies = [r["body"].decode() for r in server.received]
        assert len(bodies) == 2, name
        assert f"{item.ref}" in bodies[0] and "overdue by 2 days" in bodies[0]
        assert "Weekly digest for" in bodies[1]
    assert sorted(set(ChatDelivery.objects.values_list("event", flat=True))) == ["item_digest", "item_overdue"]


def test_a_chat_that_keeps_failing_is_told_to_the_room_once(
    settings, recording_server, incident, django_capture_on_commit_callbacks
):
    settings.WARROOM_OUTBOUND_ALLOW_PRIVATE = True
    teams = recording_server(fail_first=100, fail_status=400)
    ChatWebhook.objects.create(kind="teams", name="Incidents channel", url=teams.url)
    with django_capture_on_commit_callbacks(execute=False):
        actions.change_status(incident, status="mitigated", actor=incident.commander)
        comms.post_update(incident, actor=incident.commander, audience="internal", status="Holding.")
    run_queued()
    run_queued()
    [failure] = incident.entries.filter(kind=EntryKind.SYSTEM, metadata__delivery_failed="microsoft teams")
    assert failure.body.startswith(
        "Microsoft Teams did not accept the update message after 6 attempts (HTTP 400 Bad Request)."
    )


def test_a_private_incident_tells_chats_only_its_ref_and_link(chats, alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        incident = actions.declare_incident(
            actor=alice, title="Acquisition target's database leaked", severity="SEV1", visibility="private"
        )
        comms.post_update(incident, actor=alice, audience="internal", status="Rotating every credential.")
    run_queued()
    for server in chats.values():
        raw = b"".join(r["body"] for r in server.received).decode()
        assert len(server.received) == 2 and f"INC-{incident.pk}" in raw
        assert "leaked" not in raw and "Rotating" not in raw
        assert "A private incident changed" in raw


def test_chat_targets_on_private_addresses_are_refused_unless_allowed(settings, incident):
    settings.WARROOM_OUTBOUND_ALLOW_PRIVATE = False
    settings.MATTERMOST_WEBHOOK_URL = "http://127.0.0.1:9/hooks/x"
    from integrations.outbound import chat

    [delivery] = chat.create_deliveries(incident, "update", "x")
    with pytest.raises(chat.ChatDeliveryError, match="loopback or private"):
        chat.deliver(delivery.pk)
