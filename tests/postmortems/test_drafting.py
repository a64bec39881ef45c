"""Drafted on resolution: every section, the timeline from start to resolution, one document however often it runs."""

import re

from incidents import actions
from incidents.models import EntryKind
from postmortems import checker, tasks
from postmortems.drafting import FACTORS_MARKER, build_draft
from postmortems.models import Postmortem, Revision

SECTIONS = [
    "Summary",
    "Impact",
    "Timeline",
    "Detection",
    "Response",
    "Recovery",
    "Contributing factors",
    "What went well",
    "What went wrong",
    "Where we got lucky",
    "Action items",
    "Lessons",
]


def test_it_drafts_when_the_incident_resolves_and_announces_the_link(
    scripted_incident, alice, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        actions.resolve(scripted_incident, actor=alice)
    postmortem = Postmortem.objects.get(incident=scripted_incident)
    assert postmortem.status == Postmortem.State.DRAFT and postmortem.version == 1
    announcement = scripted_incident.entries.filter(kind=EntryKind.POSTMORTEM).get()
    assert f'href="/incidents/{scripted_incident.pk}/postmortem/"' in announcement.html
    assert announcement.body.startswith("The postmortem draft is ready")


def test_it_queues_the_draft_only_when_the_resolution_commits(
    scripted_incident, alice, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        actions.resolve(scripted_incident, actor=alice)
    assert not Postmortem.objects.exists()  # nothing ran inside the resolving transaction
    for callback in callbacks:
        callback()
    assert Postmortem.objects.filter(incident=scripted_incident).count() == 1


def test_it_writes_every_section_in_order(scripted_incident, alice):
    actions.resolve(scripted_incident, actor=alice)
    markdown = build_draft(scripted_incident)
    headings = re.findall(r"^## (.+)$", markdown, flags=re.M)
    assert headings == SECTIONS
    assert markdown.startswith(f"# Postmortem: INC-{scripted_incident.pk} Checkout returns 500")


def test_it_fills_in_what_the_record_knows(scripted_incident, alice):
    actions.resolve(scripted_incident, actor=alice)
    scripted_incident.refresh_from_db()
    markdown = build_draft(scripted_incident)
    summary = markdown.split("## Impact")[0]
    assert "Card payments failed for most users." in summary
    assert "**Severity:** SEV1" in summary
    assert "**Services:** Checkout" in summary
    assert "**Duration:** 40m" in summary
    assert "Tech Lead: Bob Ortiz" in markdown
    assert "Decision: Roll back checkout-api to v41." in markdown.split("## Recovery")[1]
    assert "Error rate on checkout-api is 38%" in markdown.split("## Contributing factors")[1]
    assert "[Prevent] Add a canary stage to checkout deploys — Bob Ortiz" in markdown
    assert FACTORS_MARKER in markdown
    assert checker.check(markdown, ("alice", "Alice", "bob", "Bob")) == []  # the draft's own words are blameless
    # What only people know stays a prompt.
    assert "_What nearly made this much worse, and did not?_" in markdown


def test_it_lists_the_timeline_from_start_to_resolution_with_lifecycle_markers(scripted_incident, alice):
    actions.resolve(scripted_incident, actor=alice)
    scripted_incident.refresh_from_db()
    timeline = build_draft(scripted_incident).split("## Timeline")[1].split("## Detection")[0]
    rows = [line for line in timeline.splitlines() if line.startswith("- ")]
    texts = [re.sub(r"^- \*\*[\d\- :]+UTC\*\* ", "", row) for row in rows]
    assert texts[0] == "**Impact began**"
    assert texts[1] == "**Detected**"
    assert "**Incident declared**" in texts
    assert "**Mitigated: impact stopped**" in texts
    assert texts[-1].startswith("Status change:") or texts[-1] == "**Resolved**"
    assert "**Resolved**" in texts
    # Every key entry is there; notes stay in the room.
    # (the communication record written at resolution belongs to the Response section, not the timeline)
    kept = (
        scripted_incident.entries.exclude(kind__in=[EntryKind.NOTE])
        .exclude(metadata__has_key="promise_keeping")
        .count()
    )
    assert len(rows) == kept + 5  # started, detected, declared, mitigated, resolved markers
    assert not any("coffee" in t for t in texts)
    times = [re.match(r"^- \*\*([\d\- :]+) UTC", row).group(1) for row in rows]
    assert times == sorted(times)


def test_it_is_idempotent_when_resolved_twice_or_run_again(
    scripted_incident, alice, bob, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        actions.resolve(scripted_incident, actor=alice)
    tasks.draft_postmortem(scripted_incident.pk)
    tasks.draft_postmortem.apply(args=[scripted_incident.pk])
    with django_capture_on_commit_callbacks(execute=True):
        actions.change_status(scripted_incident, status="monitoring", actor=bob)
        actions.resolve(scripted_incident, actor=bob)
    assert Postmortem.objects.filter(incident=scripted_incident).count() == 1
    assert Revision.objects.count() == 1
    assert scripted_incident.entries.filter(kind=EntryKind.POSTMORTEM).count() == 1


def test_it_does_not_draft_an_open_incident(incident):
    tasks.draft_postmortem(incident.pk)
    assert not Postmortem.objects.exists()
    tasks.draft_postmortem(999999)  # a deleted incident is not an error either


def test_it_pushes_the_room_card_live_when_drafted(scripted_incident, alice, capture_broadcasts):
    actions.resolve(scripted_incident, actor=alice)
    with capture_broadcasts(scripted_incident) as messages:
        tasks.draft_postmortem(scripted_incident.pk)
    [message] = messages
    card = message["panels"]["write"]
    assert 'id="postmortem-card"' in card and 'hx-swap-oob="true"' in card and "Open the draft" in card
    assert any("open the draft" in html for _, html in message["entries"])


def test_the_room_shows_the_postmortem_card_in_one_query(client, scripted_incident, alice, django_assert_num_queries):
    from django.template.loader import render_to_string

    from postmortems import panels

    actions.resolve(scripted_incident, actor=alice)
    tasks.draft_postmortem(scripted_incident.pk)
    with django_assert_num_queries(1):
        html = render_to_string(panels.ROOM_CARD_TEMPLATE, panels.room_panel_context(scripted_incident))
    assert "Open the draft" in html
    client.force_login(alice)
    assert "Open the draft" in client.get(scripted_incident.get_absolute_url()).content.decode()
