"""Who may see and do what, generated from one table: persona × surface × read/write → the answer expected.

Two incidents, one internal and one private (resolved, with a postmortem, so every export exists). A persona's
access to each is one of: "rw" (reads and writes), "r" (reads only), "-" (may not know it exists: 404), or
"anon" (signed out: sent to the sign-in page, or 401 from the API). Every page, export, API operation and the
socket is checked against it; a list or count must not show what its reader may not see.
"""

import itertools
import re

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from action_items.actions import create_action_item
from incidents import actions
from incidents.access import OBSERVERS_GROUP
from incidents.models import ApiToken, TokenScope
from postmortems.actions import draft_postmortem
from warroom.asgi import application

User = get_user_model()

#: The one table: each persona's access to the internal and the private incident.
ACCESS = {
    "anonymous": {"internal": "anon", "private": "anon"},
    "observer": {"internal": "r", "private": "-"},
    "outsider": {"internal": "rw", "private": "-"},
    "member": {"internal": "rw", "private": "rw"},  # invited into the private incident
    "lead": {"internal": "rw", "private": "rw"},  # leads the owning team
    "commander": {"internal": "rw", "private": "rw"},
    "admin": {"internal": "rw", "private": "rw"},
    "read_token": {"internal": "r", "private": "r"},  # the member's token with the `read` scope
}

#: Pages and exports of one incident, read with a session ({pk}: the incident).
PAGES = [
    "/incidents/{pk}/",
    "/incidents/{pk}/entries/older/?before=999999",
    "/incidents/{pk}/summary/",
    "/incidents/{pk}/postmortem/",
    "/incidents/{pk}/postmortem/document/",
    "/incidents/{pk}/postmortem/export.md",
    "/incidents/{pk}/postmortem/export.html",
    "/incidents/{pk}/postmortem/history/",
    "/incidents/{pk}/postmortem/meeting.ics",
]
#: Forms only a writer gets (an Observer gets 403).
PAGE_FORMS = ["/incidents/{pk}/decisions/new/"]
#: Controls of the room a writer may use, posted with a session.
PAGE_WRITES = [("/incidents/{pk}/entries/", {"kind": "note", "body": "Checked the dashboards."})]
#: API reads of one incident, with a bearer token.
API_READS = [
    "/api/v1/incidents/{pk}",
    "/api/v1/incidents/{pk}/timeline",
    "/api/v1/incidents/{pk}/updates",
    "/api/v1/incidents/{pk}/recovery",
    "/api/v1/incidents/{pk}/decisions",
    "/api/v1/incidents/{pk}/theories",
    "/api/v1/incidents/{pk}/postmortem",
]
API_WRITES = [
    ("/api/v1/incidents/{pk}/timeline", {"kind": "note", "body": "From the bot."}),
    ("/api/v1/incidents/{pk}/theories", {"hypothesis": "The cache is cold."}),
]
#: Lists and exports across incidents: the incident's title must appear exactly when its reader may see it.
PAGE_LISTS = ["/incidents/?show=all", "/action-items/?status=all", "/action-items/export.csv?status=all"]
API_LISTS = ["/api/v1/incidents?status=all", "/api/v1/action-items?status=all"]


def build_world(alice, checkout, *, records=True):
    """alice commands both incidents; the private one is led by the Payments team, which owns Checkout."""
    people = {
        "commander": alice,
        "outsider": User.objects.create_user("bob"),
        "member": User.objects.create_user("mia"),
        "lead": User.objects.create_user("lena"),
        "observer": User.objects.create_user("olivia"),
        "admin": User.objects.create_superuser("root", password=None),
    }
    people["observer"].groups.add(Group.objects.get_or_create(name=OBSERVERS_GROUP)[0])
    checkout.team.leads.add(people["lead"])
    incidents = {}
    for visibility in ("internal", "private"):
        incident = actions.declare_incident(
            actor=alice,
            title=f"Card payments fail ({visibility} case)",
            severity="SEV2",
            services=[checkout],
            visibility=visibility,
        )
        actions.post_entry(incident, kind="note", body="Rolled back the deploy.", actor=alice)
        incidents[visibility] = incident
        if not records:
            continue
        create_action_item(
            incident,
            actor=alice,
            title=f"Add an alert on card declines ({visibility} case)",
            owner=alice,
            type="prevent",
            description="Done when the alert pages on a 5% decline rate.",
        )
        actions.change_status(incident, status="resolved", actor=alice)
        draft_postmortem(incident.pk)
    actions.add_member(incidents["private"], user=people["member"], actor=alice)
    return people, incidents


@pytest.fixture
def world(db, alice, checkout):
    return build_world(alice, checkout)


def names(incident, text: str) -> bool:
    """Whether a list or export shows this incident: by title, by ref, or by id in JSON."""
    return bool(
        incident.title in text
        or re.search(rf"\b{incident.ref}\b", text)
        or re.search(rf'"incident(_id)?": {incident.pk}\b', text)
    )


def session_for(persona, people):
    client = Client()
    if persona not in ("anonymous", "read_token"):
        client.force_login(people[persona])
    if persona == "read_token":
        client.force_login(people["member"])  # pages: the token's owner; the token itself is for the API
    return client


def token_for(persona, people):
    if persona == "anonymous":
        return None
    if persona == "read_token":
        return ApiToken.issue(people["member"], name="read bot", scope=TokenScope.READ)[1]
    return ApiToken.issue(people[persona], name="bot")[1]


def page_access(persona, visibility):
    """A session of the read_token persona is its owner's (the member's)."""
    return ACCESS["member" if persona == "read_token" else persona][visibility]


CASES = list(itertools.product(ACCESS, ("internal", "private")))


@pytest.mark.parametrize("persona,visibility", CASES)
def test_pages_and_exports(world, persona, visibility):
    people, incidents = world
    incident = incidents[visibility]
    access = page_access(persona, visibility)
    client = session_for(persona, people)
    failures = []
    for path in PAGES:
        url = path.format(pk=incident.pk)
        response = client.get(url)
        expected = {"anon": 302, "-": 404}.get(access, 200)
        if response.status_code != expected:
            failures.append(f"GET {url}: {response.status_code}, expected {expected}")
        if expected == 404 and incident.title.encode() in response.content:
            failures.append(f"GET {url}: the 404 names the incident")
    for path in PAGE_FORMS:
        url = path.format(pk=incident.pk)
        response = client.get(url)
        expected = {"anon": 302, "-": 404, "r": 403}.get(access, 200)
        if response.status_code != expected:
            failures.append(f"GET {url}: {response.status_code}, expected {expected}")
    for path, data in PAGE_WRITES:
        url = path.format(pk=incident.pk)
        response = client.post(url, data)
        expected = {"anon": {302}, "-": {404}, "r": {403}}.get(access, {200, 302})
        if response.status_code not in expected:
            failures.append(f"POST {url}: {response.status_code}, expected {sorted(expected)}")
        if access == "anon" and "/login/" not in response.get("Location", ""):
            failures.append(f"POST {url}: not sent to sign in")
    for path in PAGE_LISTS:
        response = client.get(path)
        if access == "anon":
            continue
        body = b"".join(response.streaming_content) if response.streaming else response.content
        shown = names(incident, body.decode())
        if shown != (access != "-"):
            failures.append(f"GET {path}: the incident is {'shown' if shown else 'missing'}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("persona,visibility", CASES)
def test_api(world, persona, visibility):
    people, incidents = world
    incident = incidents[visibility]
    access = ACCESS[persona][visibility]
    token = token_for(persona, people)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    client = Client(**headers)
    failures = []
    for path in API_READS:
        url = path.format(pk=incident.pk)
        response = client.get(url)
        expected = {"anon": 401, "-": 404}.get(access, 200)
        if response.status_code != expected:
            failures.append(f"GET {url}: {response.status_code}, expected {expected}")
        if response["Content-Type"] != "application/json; charset=utf-8":
            failures.append(f"GET {url}: answered {response['Content-Type']}")
    for path, body in API_WRITES:
        url = path.format(pk=incident.pk)
        response = client.post(url, body, content_type="application/json")
        expected = {"anon": 401, "-": 404, "r": 403}.get(access, 201)
        if response.status_code != expected:
            failures.append(f"POST {url}: {response.status_code}, expected {expected}: {response.content[:200]}")
    for path in API_LISTS:
        response = client.get(path)
        if access == "anon":
            if response.status_code != 401:
                failures.append(f"GET {path}: {response.status_code}, expected 401")
            continue
        shown = names(incident, response.content.decode())
        if shown != (access != "-"):
            failures.append(f"GET {path}: the incident is {'shown' if shown else 'missing'}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("persona,visibility", CASES)
@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_socket(persona, visibility, alice, checkout):
    people, incidents = await sync_to_async(build_world)(alice, checkout, records=False)
    incident = incidents[visibility]
    access = ACCESS[persona][visibility]

    def headers():
        if persona == "read_token":
            return [(b"authorization", f"Bearer {token_for(persona, people)}".encode())]
        client = session_for(persona, people)
        cookie = client.cookies.get("sessionid")
        result = [(b"origin", b"http://127.0.0.1:8000"), (b"host", b"127.0.0.1:8000")]
        if cookie:
            result.append((b"cookie", f"sessionid={cookie.value}".encode()))
        return result

    communicator = WebsocketCommunicator(
        application, f"/ws/incidents/{incident.pk}/", headers=await sync_to_async(headers)()
    )
    connected, _ = await communicator.connect()
    await communicator.disconnect()
    assert connected == (access in ("r", "rw")), f"{persona} on the {visibility} incident"


#: Routes of one incident that only take POST (the room's controls): the table posts one of them for everyone.
WRITE_CONTROLS = {
    "incidents/<int:pk>/entries/",
    "incidents/<int:pk>/roles/",
    "incidents/<int:pk>/roles/<str:role>/relieve/",
    "incidents/<int:pk>/take-command/",
    "incidents/<int:pk>/drill/",
    "incidents/<int:pk>/visibility/",
    "incidents/<int:pk>/members/",
    "incidents/<int:pk>/members/<str:username>/remove/",
    "incidents/<int:pk>/status/",
    "incidents/<int:pk>/severity/",
    "incidents/<int:pk>/updates/",
    "incidents/<int:pk>/updates/<int:update_id>/approve/",
    "incidents/<int:pk>/cadence/",
    "incidents/<int:pk>/impact/",
    "incidents/<int:pk>/impact/<int:assessment_id>/confirm/",
    "incidents/<int:pk>/timestamps/",
    "incidents/<int:pk>/page/",
    "incidents/<int:pk>/decisions/",
    "incidents/<int:pk>/decisions/<int:decision_id>/decide/",
    "incidents/<int:pk>/decisions/<int:decision_id>/withdraw/",
    "incidents/<int:pk>/decisions/<int:decision_id>/outcome/",
    "incidents/<int:pk>/theories/",
    "incidents/<int:pk>/theories/<int:theory_id>/state/",
    "incidents/<int:pk>/handoffs/<int:handoff_id>/accept/",
    "incidents/<int:pk>/handoffs/<int:handoff_id>/cancel/",
    "incidents/<int:pk>/postmortem/save/",
    "incidents/<int:pk>/postmortem/preview/",
    "incidents/<int:pk>/postmortem/review/",
    "incidents/<int:pk>/postmortem/publish/",
    "incidents/<int:pk>/postmortem/meeting/",
    "incidents/<int:pk>/postmortem/factors/",
    "incidents/<int:pk>/postmortem/factors/<int:factor_id>/remove/",
    "incidents/<int:pk>/postmortem/factors/five-whys/",
    "incidents/<int:pk>/postmortem/history/<int:version>/",
}


def test_every_page_of_an_incident_is_in_the_table():
    """A new page under an incident must join PAGES (read) or WRITE_CONTROLS, so the matrix checks it."""
    from django.urls import get_resolver

    def walk(patterns, prefix=""):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            else:
                yield prefix + str(p.pattern)

    read = {p.split("?")[0].lstrip("/").replace("{pk}", "<int:pk>") for p in PAGES + PAGE_FORMS}
    read = {r.replace("export.md", "export.<str:fmt>").replace("export.html", "export.<str:fmt>") for r in read}
    routes = {r for r in walk(get_resolver().url_patterns) if r.startswith("incidents/<int:pk>/")}
    assert routes - read - WRITE_CONTROLS == set()


def test_every_api_read_of_an_incident_is_in_the_table(client):
    """Every GET of the JSON API under one incident is in API_READS."""
    import json

    schema = json.loads(client.get("/api/v1/openapi.json").content)
    gets = {path for path, ops in schema["paths"].items() if "get" in ops and "{incident_id}" in path}
    assert gets == {p.replace("{pk}", "{incident_id}") for p in API_READS}
