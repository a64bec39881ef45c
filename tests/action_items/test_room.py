"""Action items in the war room: promote an entry in two clicks, see the incident's items, live."""

from datetime import timedelta

from django.test import Client

from action_items.models import ActionItem
from incidents import actions
from tests.conftest import swaps_out_of_band

from .conftest import GOOD

HTMX = {"HTTP_HX_REQUEST": "true"}


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_it_offers_every_person_entry_as_an_action_item(incident, bob):
    entry = actions.post_entry(incident, kind="finding", body="Add a pool saturation alert", actor=bob)
    html = signed_in(bob).get(incident.get_absolute_url()).content.decode()
    assert f'href="/action-items/new/?incident={incident.pk}&amp;entry={entry.pk}"' in html
    assert (
        f'?incident={incident.pk}&amp;entry={incident.entries.first().pk}"' not in html
    )  # not on the system's declaration


def test_it_prefills_the_form_from_the_entry(incident, bob):
    entry = actions.post_entry(
        incident, kind="finding", body="**Add a pool saturation alert**\n\nwe were blind for 20 minutes", actor=bob
    )
    response = signed_in(bob).get(f"/action-items/new/?incident={incident.pk}&entry={entry.pk}", **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert 'value="Add a pool saturation alert"' in html
    assert f'name="source_entry" value="{entry.pk}"' in html
    assert '<option value="prevent" selected>' in html
    assert f'<option value="{bob.pk}" selected>' in html


def test_it_raises_the_item_and_answers_with_the_room_panel(incident, alice, bob, django_capture_on_commit_callbacks):
    entry = actions.post_entry(incident, kind="finding", body="Add a pool saturation alert", actor=bob)
    form = {
        "incident": incident.pk,
        "source_entry": entry.pk,
        "title": "Add a pool saturation alert",
        "owner": bob.pk,
        "type": "detect",
        "priority": "P2",
        "description": "Pages on-call at 90% pool use for 5 minutes.",
        "due_date": "",
        "external_url": "",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(alice).post("/action-items/new/", form, **HTMX)
    assert response.status_code == 200
    item = ActionItem.objects.get()
    assert item.source_entry == entry and item.priority == "P2" and item.owner == bob
    html = response.content.decode()
    assert f"{item.ref}</a></strong> raised" in html
    assert swaps_out_of_band(html, "room-action-items")


def test_it_rerenders_the_form_with_smart_messages_and_422(incident, alice):
    form = {
        "incident": incident.pk,
        "title": "Pool alert",
        "owner": "",
        "type": "detect",
        "description": "Pages on-call at 90% pool use.",
    }
    response = signed_in(alice).post("/action-items/new/", form, **HTMX)
    assert response.status_code == 422
    assert "Start the title with a verb" in response.content.decode()
    assert 'value="Pool alert"' in response.content.decode()
    assert not ActionItem.objects.exists()


def test_it_refuses_observers(incident, observer):
    assert signed_in(observer).get(f"/action-items/new/?incident={incident.pk}").status_code == 403


def test_it_pushes_the_panel_to_the_room_after_commit(incident, alice, bob, raise_item, capture_broadcasts):
    with capture_broadcasts(incident) as messages:
        item = raise_item(incident, bob)
    [message] = messages
    panel = message["panels"]["write"]
    assert panel.count('id="room-action-items"') == 1 and item.title in panel and 'hx-swap-oob="true"' in panel
    assert any(f"**{item.ref}**" not in html and item.ref in html for _, html in message["entries"])


def test_it_loads_the_room_panel_in_constant_queries(incident, alice, bob, raise_item, django_assert_max_num_queries):
    client = signed_in(alice)
    raise_item(incident, bob)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(incident.get_absolute_url())
    for n in range(20):
        raise_item(incident, bob, title=f"Add alert number {n}")
    with django_assert_max_num_queries(len(one.captured_queries)):
        html = client.get(incident.get_absolute_url()).content.decode()
    assert html.count('class="item-state-open"') == 21


def test_it_gives_the_postmortem_editor_a_form_for_its_incident(incident, alice, rf):
    from django.template import Context, Template

    from postmortems.models import Postmortem

    postmortem = Postmortem.objects.create(incident=incident)
    request = rf.get("/postmortems/7/edit/")
    request.user = alice
    html = Template("{% load action_items %}{% action_item_form incident postmortem %}").render(
        Context({"incident": incident, "postmortem": postmortem, "request": request})
    )
    assert 'id="action-item-form"' in html and 'action="/action-items/new/"' in html
    assert f'name="postmortem" value="{postmortem.pk}"' in html and f'name="incident" value="{incident.pk}"' in html
    assert f'<option value="{alice.pk}" selected>' in html
    assert '<input type="hidden" name="next" value="/postmortems/7/edit/">' in html


def test_it_gives_the_postmortem_editor_a_jira_button_when_jira_is_configured(incident, alice, rf, settings):
    from django.template import Context, Template

    from postmortems.models import Postmortem

    postmortem = Postmortem.objects.create(incident=incident)
    template = Template("{% load action_items %}{% postmortem_jira_export postmortem %}")
    context = {"postmortem": postmortem, "request": rf.get("/postmortems/7/edit/")}
    settings.JIRA = {**settings.JIRA, "BASE_URL": "", "PROJECT_KEY": ""}
    assert "<form" not in template.render(Context(context))
    settings.JIRA = {**settings.JIRA, "BASE_URL": "https://jira.example", "PROJECT_KEY": "OPS"}
    html = template.render(Context(context))
    assert f'action="/action-items/postmortem/{postmortem.pk}/jira/"' in html and "Send action items to Jira" in html


def test_it_raises_an_item_from_the_postmortem_without_javascript(incident, alice, bob):
    from postmortems.models import Postmortem

    postmortem = Postmortem.objects.create(incident=incident)
    form = {
        "incident": incident.pk,
        "postmortem": postmortem.pk,
        "owner": bob.pk,
        "next": f"/postmortems/{postmortem.pk}/",
        **GOOD,
    }
    response = signed_in(alice).post("/action-items/new/", form)
    assert response.status_code == 302 and response["Location"] == f"/postmortems/{postmortem.pk}/"
    item = ActionItem.objects.get()
    assert item.postmortem == postmortem
    assert "from the postmortem" in incident.entries.last().body


def test_it_lists_open_items_first_in_the_room(incident, alice, bob, raise_item):
    from action_items import actions as item_actions
    from action_items.panels import room_panel_context

    done = raise_item(incident, bob, title="Fix the retry storm")
    item_actions.update_action_item(done, actor=alice, status="done")
    later = raise_item(incident, bob, title="Document the failover", due_date=done.due_date + timedelta(days=5))
    sooner = raise_item(incident, bob, title="Tune the pool", due_date=done.due_date + timedelta(days=1))
    assert [i.pk for i in room_panel_context(incident)["action_items"]] == [sooner.pk, later.pk, done.pk]


def test_it_puts_the_form_in_the_postmortem_editor(incident, alice, bob, django_capture_on_commit_callbacks):
    from postmortems.models import Postmortem

    Postmortem.objects.create(incident=incident)
    client = signed_in(alice)
    html = client.get(f"/incidents/{incident.pk}/postmortem/").content.decode()
    assert 'id="action-item-form"' in html and f'name="next" value="/incidents/{incident.pk}/postmortem/"' in html
    postmortem = Postmortem.objects.get(incident=incident)
    form = {
        "incident": incident.pk,
        "postmortem": postmortem.pk,
        "owner": bob.pk,
        "next": f"/incidents/{incident.pk}/postmortem/",
        **GOOD,
    }
    response = client.post("/action-items/new/", form)
    assert response["Location"] == f"/incidents/{incident.pk}/postmortem/"
    assert GOOD["title"] in client.get(response["Location"]).content.decode()
