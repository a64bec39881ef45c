"""The pages: login everywhere, the declare form, and the room's htmx controls with plain fallbacks."""

import re

import pytest

from incidents import actions
from incidents.models import Incident, Role, Status, TimelineEntry

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


def test_it_requires_login_everywhere_but_login_and_healthz(client, incident):
    for path in ["/incidents/", "/incidents/declare/", f"/incidents/{incident.pk}/", "/admin/"]:
        response = client.get(path)
        assert response.status_code == 302 and "/login/" in response["Location"], path
    assert client.get("/login/").status_code == 200


def test_it_signs_in_and_out(client, alice):
    response = client.post("/login/", {"username": "alice", "password": "pw-alice-123"})
    assert response.status_code == 302 and response["Location"] == "/incidents/"
    assert client.get("/incidents/").status_code == 200
    client.post("/logout/")
    assert client.get("/incidents/").status_code == 302


def test_it_rejects_a_wrong_password_with_a_message(client, alice):
    response = client.post("/login/", {"username": "alice", "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_it_lists_open_incidents_by_severity_and_hides_resolved(alice_client, alice):
    minor = actions.declare_incident(actor=alice, title="Minor thing", severity="SEV4")
    major = actions.declare_incident(actor=alice, title="Major thing", severity="SEV1")
    done = actions.declare_incident(actor=alice, title="Old thing", severity="SEV2")
    actions.resolve(done, actor=alice)
    page = alice_client.get("/incidents/").content.decode()
    assert page.index("Major thing") < page.index("Minor thing")
    assert "Old thing" not in page
    assert "Old thing" in alice_client.get("/incidents/?show=resolved").content.decode()
    assert {minor.ref, major.ref} <= set(
        re.findall(r"INC-\d+", alice_client.get("/incidents/?show=all").content.decode())
    )


def test_it_lists_without_a_query_per_incident(alice_client, alice, checkout, django_assert_max_num_queries):
    for n in range(20):
        actions.declare_incident(actor=alice, title=f"Incident {n}", severity="SEV3", services=[checkout])
    with django_assert_max_num_queries(10):
        assert alice_client.get("/incidents/").status_code == 200


def test_it_declares_and_lands_in_the_room_as_commander(alice_client, alice, checkout):
    response = alice_client.post(
        "/incidents/declare/", {"title": "Checkout down", "severity": "SEV1", "summary": "", "services": [checkout.pk]}
    )
    incident = Incident.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/incidents/{incident.pk}/"
    assert incident.commander == alice and list(incident.services.all()) == [checkout]


def test_it_redisplays_the_declare_form_with_messages(alice_client):
    response = alice_client.post("/incidents/declare/", {"title": "", "severity": "SEV9"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "This field is required." in page and "Select a valid choice." in page
    assert Incident.objects.count() == 0


def test_it_shows_severity_definitions_on_the_declare_form(alice_client):
    page = alice_client.get("/incidents/declare/").content.decode()
    assert "Core business flow down" in page and "Cosmetic or internal-only" in page


def test_it_escapes_user_text_in_the_room(alice_client, alice):
    incident = actions.declare_incident(
        actor=alice, title="<script>alert('t')</script>", severity="SEV3", summary="<img src=x onerror=alert(1)>"
    )
    actions.post_entry(incident, kind="note", body="<b onmouseover=alert(1)>hover</b>", actor=alice)
    page = alice_client.get(f"/incidents/{incident.pk}/").content.decode()
    assert "<script>alert('t')</script>" not in page and "&lt;script&gt;" in page
    assert "onerror" not in page and "onmouseover" not in page


def test_it_renders_the_room(alice_client, incident, bob):
    actions.assign_role(incident, role="tech_lead", user=bob, actor=incident.commander)
    page = alice_client.get(f"/incidents/{incident.pk}/").content.decode()
    assert incident.ref in page and "Checkout returns 500" in page and "SEV2" in page
    assert "Time to mitigate" in page and "Since declared" in page
    assert 'id="roles-panel"' in page and "Bob Ortiz" in page and "Restore service first" in page
    assert f'id="entry-{incident.entries.first().pk}"' in page
    assert 'id="composer"' in page and "X-CSRFToken" in page


def test_the_room_costs_the_same_queries_with_many_entries(alice_client, incident, alice, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        alice_client.get(f"/incidents/{incident.pk}/")
    TimelineEntry.objects.bulk_create(
        TimelineEntry(incident=incident, kind="note", actor=alice, body=f"n{n}", html=f"<p>n{n}</p>")
        for n in range(400)
    )
    with django_assert_num_queries(len(few.captured_queries)):
        page = alice_client.get(f"/incidents/{incident.pk}/").content.decode()
    assert page.count('class="entry ') == 100 and "Load older entries" in page


def test_it_loads_older_entries_on_demand(alice_client, incident, alice):
    TimelineEntry.objects.bulk_create(
        TimelineEntry(incident=incident, kind="note", actor=alice, body="x", html="x") for _ in range(150)
    )
    first_shown = incident.entries.order_by("-pk")[99].pk
    page = alice_client.get(f"/incidents/{incident.pk}/entries/older/?before={first_shown}").content.decode()
    assert page.count('class="entry ') == 51 and "Load older entries" not in page


def test_it_posts_an_entry_with_htmx(alice_client, incident):
    last = incident.entries.last().pk
    response = alice_client.post(
        f"/incidents/{incident.pk}/entries/",
        {"kind": "finding", "body": "DB pool exhausted"},
        HTTP_X_WARROOM_AFTER=str(last),
        **HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    entry = incident.entries.last()
    assert entry.body == "DB pool exhausted" and entry.kind == "finding"
    assert 'id="composer"' in html and f'id="entry-{entry.pk}"' in html and 'hx-swap-oob="beforeend:#timeline"' in html
    assert f'id="entry-{last}"' not in html  # only what the client lacks


def test_it_keeps_the_text_when_an_entry_is_refused(alice_client, incident):
    response = alice_client.post(f"/incidents/{incident.pk}/entries/", {"kind": "note", "body": "x" * 20_001}, **HTMX)
    assert response.status_code == 422
    html = response.content.decode()
    assert "the limit is 20000" in html and "x" * 100 in html
    assert incident.entries.count() == 1


def test_it_posts_an_entry_without_javascript(alice_client, incident):
    response = alice_client.post(f"/incidents/{incident.pk}/entries/", {"kind": "note", "body": "plain form"})
    assert response.status_code == 302 and incident.entries.last().body == "plain form"


def test_it_assigns_a_role_with_htmx(alice_client, incident, bob):
    response = alice_client.post(
        f"/incidents/{incident.pk}/roles/", {"role": "comms_lead", "user": bob.pk}, HTTP_X_WARROOM_AFTER="0", **HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="roles-panel"' in html and 'id="room-header"' in html and "named Bob Ortiz Communications Lead" in html
    assert incident.holders()[Role.COMMS_LEAD].user == bob


def test_it_explains_a_refused_role_change(alice_client, incident, alice):
    response = alice_client.post(f"/incidents/{incident.pk}/roles/", {"role": "commander", "user": alice.pk}, **HTMX)
    assert response.status_code == 422 and "already Incident Commander" in response.content.decode()


def test_it_changes_status_and_severity(alice_client, incident):
    alice_client.post(f"/incidents/{incident.pk}/status/", {"status": "mitigated"}, **HTMX)
    alice_client.post(f"/incidents/{incident.pk}/severity/", {"severity": "SEV1"})
    incident.refresh_from_db()
    assert incident.status == Status.MITIGATED and incident.severity == "SEV1"
    response = alice_client.post(f"/incidents/{incident.pk}/status/", {"status": "bogus"})
    assert response.status_code == 302
    follow = alice_client.get(response["Location"]).content.decode()
    assert "Select a valid choice" in follow


def test_it_refuses_csrf_less_posts(alice, incident):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post(f"/incidents/{incident.pk}/entries/", {"kind": "note", "body": "forged"})
    assert response.status_code == 403
    assert incident.entries.count() == 1


def test_observers_read_but_cannot_write(client, observer, incident):
    client.force_login(observer)
    assert client.get(f"/incidents/{incident.pk}/").status_code == 200
    assert client.post(f"/incidents/{incident.pk}/entries/", {"kind": "note", "body": "hi"}).status_code == 403
    assert incident.entries.count() == 1


def test_an_unknown_incident_is_404(alice_client):
    assert alice_client.get("/incidents/424242/").status_code == 404


def test_a_double_submitted_declare_form_declares_once(alice_client):
    page = alice_client.get("/incidents/declare/").content.decode()
    token = re.search(r'name="submission" value="([^"]+)"', page).group(1)
    form = {"title": "Checkout down", "severity": "SEV2", "submission": token}
    first = alice_client.post("/incidents/declare/", form)
    second = alice_client.post("/incidents/declare/", form)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Incident.objects.filter(title="Checkout down").count() == 1
    fresh = re.search(r'name="submission" value="([^"]+)"', alice_client.get("/incidents/declare/").content.decode())
    assert fresh.group(1) != token  # a new rendering is a new declaration
