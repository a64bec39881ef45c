"""The restore panels in the room: rendered in a fixed number of queries, driven by htmx or plain forms, pushed live."""

from datetime import timedelta

import pytest
from django.test import Client

from incidents import actions
from incidents.models import Decision, EntryKind, Mitigation, MitigationKind, Service
from incidents.restore import actions as decisions
from incidents.restore import actions as restore
from tests.conftest import swaps_out_of_band

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def room(alice):
    client = Client()
    client.force_login(alice)
    return client


def _fill(incident, alice, first, last):
    for i in range(first, last):
        service = Service.objects.create(name=f"Svc {i}", slug=f"svc-{i}")
        incident.services.add(service)
        Mitigation.objects.create(service=service, kind=MitigationKind.RESTART, title=f"Restart {i}")
        actions.record_deploy(service=service, version=f"v{i}")
        actions.record_flag_change(service=service, flag=f"flag-{i}", enabled=True)
        restore.add_theory(incident, actor=alice, hypothesis=f"theory {i}")
        decisions.propose_decision(incident, actor=alice, question=f"q{i}?", chosen="restart", decide=True)
    restore.assess_impact(incident, actor=alice, users_affected_pct=10, core_flow_down=False)


def test_it_renders_the_room_in_the_same_number_of_queries_for_1_or_8_of_everything(
    room, incident, alice, checkout, django_assert_max_num_queries
):
    _fill(incident, alice, 0, 1)
    with django_assert_max_num_queries(40) as one:
        assert room.get(f"/incidents/{incident.pk}/").status_code == 200
    _fill(incident, alice, 1, 8)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = room.get(f"/incidents/{incident.pk}/")
    html = response.content.decode()
    assert html.count('class="mitigation kind-restart"') == 9, "8 catalogued, 1 generic for Checkout"
    assert "flag-7" in html and "theory 7" in html
    assert html.count('class="decision state-decided') == 8


def test_it_shows_the_recovery_panel_with_generic_options_and_the_deploy_before_impact(room, incident, checkout):
    deploy = actions.record_deploy(
        service=checkout,
        version="v2.4.1",
        deployed_by="ci-bot",
        deployed_at=incident.started_at - timedelta(minutes=5),
    )
    html = room.get(f"/incidents/{incident.pk}/").content.decode()
    assert 'id="recovery-panel"' in html and "Recovery options" in html
    for label in ["Feature flag off", "Roll back", "Restart", "Scale out", "Fail over", "Shed load"]:
        assert f"<strong>{label}</strong>" in html
    assert f'id="deploy-{deploy.pk}"' in html and "last deploy before impact" in html
    assert f"?deploy={deploy.pk}" in html


def test_it_assesses_impact_over_htmx_and_answers_the_panels(room, incident, checkout):
    response = room.post(
        f"/incidents/{incident.pk}/impact/",
        {"services": [checkout.pk], "users_affected_pct": "40", "core_flow_down": "on"},
        **HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="impact-form"' in html and swaps_out_of_band(html, "impact-summary")
    assert "core Checkout flow down and 40% of users affected → SEV1" in html
    assert "Accept SEV1" in html


def test_it_reanswers_a_bad_assessment_form_with_422(room, incident):
    response = room.post(f"/incidents/{incident.pk}/impact/", {"users_affected_pct": "140"}, **HTMX)
    assert response.status_code == 422
    assert (
        'aria-invalid="true"' in response.content.decode() and "less than or equal to 100" in response.content.decode()
    )
    assert not incident.assessments.exists()


def test_it_works_without_javascript(room, incident):
    response = room.post(f"/incidents/{incident.pk}/theories/", {"hypothesis": "DNS"})
    assert response.status_code == 302 and response["Location"] == f"/incidents/{incident.pk}/"
    assert incident.theories.get().hypothesis == "DNS"


def test_it_accepts_the_suggested_severity_from_the_panel(room, incident, alice):
    assessment = restore.assess_impact(incident, actor=alice, users_affected_pct=40, core_flow_down=True)
    response = room.post(f"/incidents/{incident.pk}/impact/{assessment.pk}/confirm/", {}, **HTMX)
    assert response.status_code == 200
    incident.refresh_from_db()
    assert incident.severity == "SEV1"
    assert 'id="room-header"' in response.content.decode()


def test_it_prefills_a_rollback_decision_from_a_deploy(room, incident, checkout):
    deploy = actions.record_deploy(service=checkout, version="v2.4.1")
    fragment = room.get(f"/incidents/{incident.pk}/decisions/new/?deploy={deploy.pk}", **HTMX).content.decode()
    assert 'id="decision-form"' in fragment and "Roll back Checkout from v2.4.1" in fragment and "<html" not in fragment
    page = room.get(f"/incidents/{incident.pk}/decisions/new/?deploy={deploy.pk}")
    assert page.status_code == 200 and "<html" in page.content.decode()


def test_it_decides_and_closes_from_the_panel(room, incident, checkout):
    deploy = actions.record_deploy(service=checkout, version="v2.4.1")
    form = {
        "question": "How do we restore Checkout?",
        "options": "Roll back\nRestart",
        "chosen": "Roll back",
        "deploy": deploy.pk,
        "decide": "1",
    }
    response = room.post(f"/incidents/{incident.pk}/decisions/", form, **HTMX)
    assert response.status_code == 200
    decision = Decision.objects.get()
    assert decision.state == "decided" and decision.deploy == deploy and decision.options == ["Roll back", "Restart"]
    room.post(f"/incidents/{incident.pk}/decisions/{decision.pk}/outcome/", {"outcome": "worked"}, **HTMX)
    decision.refresh_from_db()
    assert decision.outcome == "worked"


def test_it_shows_a_clear_error_when_the_ic_is_named_tech_lead(room, incident, alice):
    response = room.post(f"/incidents/{incident.pk}/roles/", {"role": "tech_lead", "user": alice.pk}, **HTMX)
    assert response.status_code == 422
    assert "Alice Ng is Incident Commander and cannot also be Tech Lead" in response.content.decode()


def test_it_offers_command_in_the_roles_panel_and_the_new_ic_accepts(room, incident, alice, bob):
    room.post(f"/incidents/{incident.pk}/roles/", {"role": "commander", "user": bob.pk}, **HTMX)
    html = room.get(f"/incidents/{incident.pk}/").content.decode()
    assert "Command offered to <strong>Bob Ortiz</strong>" in html
    offer = incident.handoffs.get()
    refused = room.post(f"/incidents/{incident.pk}/handoffs/{offer.pk}/accept/", {}, **HTMX)
    assert refused.status_code == 422 and "Only Bob Ortiz can accept" in refused.content.decode()
    bob_room = Client()
    bob_room.force_login(bob)
    assert bob_room.post(f"/incidents/{incident.pk}/handoffs/{offer.pk}/accept/", {}, **HTMX).status_code == 200
    assert incident.commander == bob


def test_it_refuses_observers(incident, observer):
    client = Client()
    client.force_login(observer)
    assert client.post(f"/incidents/{incident.pk}/theories/", {"hypothesis": "DNS"}).status_code == 403
    assert not incident.theories.exists()


def test_it_pushes_the_panels_to_the_room_after_commit(incident, alice, capture_broadcasts):
    with capture_broadcasts(incident) as messages:
        restore.add_theory(incident, actor=alice, hypothesis="Connection pool exhausted")
    assert [m["type"] for m in messages] == ["room.update"]
    assert [html for _, html in messages[0]["entries"]] and "Connection pool exhausted" in messages[0]["entries"][0][1]
    html = messages[0]["panels"]["write"]
    assert swaps_out_of_band(html, "theory-list") and "Connection pool exhausted" in html
    assert swaps_out_of_band(html, "recovery-panel") and swaps_out_of_band(html, "decision-list")
    assert incident.entries.filter(kind=EntryKind.THEORY).count() == 1


def test_it_proposes_a_decision_without_javascript(room, incident):
    page = room.get(f"/incidents/{incident.pk}/decisions/new/")
    assert (
        page.status_code == 200
        and 'name="question"' in page.content.decode()
        and "hx-post" not in page.content.decode()
    )
    bad = room.post(
        f"/incidents/{incident.pk}/decisions/", {"question": "Restart?", "chosen": "", "timebox_minutes": "0"}
    )
    assert bad.status_code == 422 and "field-error" in bad.content.decode()
    good = room.post(f"/incidents/{incident.pk}/decisions/", {"question": "Restart?", "chosen": "Restart pods"})
    assert good.status_code == 302 and Decision.objects.get().state == "proposed"


def test_it_reanswers_a_bad_prefilled_decision_in_its_box(room, incident):
    response = room.post(
        f"/incidents/{incident.pk}/decisions/",
        {"question": "Restart?", "chosen": "x", "timebox_minutes": "5000"},
        **HTMX,
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'hx-target="#decision-new"' in html and "less than or equal to 1440" in html
    assert not Decision.objects.exists()


def test_it_corrects_only_the_times_a_person_changed(room, incident):
    started = incident.started_at
    shown = {"started_at": started.strftime("%Y-%m-%dT%H:%M"), "detected_at": "", "acknowledged_at": ""}
    unchanged = room.post(f"/incidents/{incident.pk}/timestamps/", shown, **HTMX)
    assert unchanged.status_code == 422 and "Nothing changed." in unchanged.content.decode()
    detected = (started + timedelta(minutes=3)).strftime("%Y-%m-%dT%H:%M")
    response = room.post(f"/incidents/{incident.pk}/timestamps/", {**shown, "detected_at": detected}, **HTMX)
    assert response.status_code == 200
    incident.refresh_from_db()
    assert incident.started_at == started, "the untouched start keeps its seconds"
    assert incident.detected_at.strftime("%Y-%m-%dT%H:%M") == detected
    assert incident.entries.last().body.startswith("Alice Ng corrected the detection ")
