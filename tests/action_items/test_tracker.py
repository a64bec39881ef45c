"""The tracker (/action-items/): every item across incidents, filtered, sorted, grouped, counted, exported,
changed inline, and as fast with 5,000 items as with five."""

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from action_items import actions as item_actions
from action_items.models import ActionItem
from incidents import actions
from incidents.models import Service

User = get_user_model()
TODAY = timezone.localdate()
HTMX = {"HTTP_HX_REQUEST": "true"}


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def refs(response):
    return [i.ref for i in response.context["page"].object_list]


@pytest.fixture
def board(incident, alice, bob, carol, checkout, raise_item):
    """Five items on two incidents and two services, in every state."""
    search = Service.objects.create(name="Search", slug="search")
    other = actions.declare_incident(actor=alice, title="Search is slow", severity="SEV3", services=[search])
    b = {
        "bob_detect": raise_item(incident, bob, priority="P2"),
        "bob_late": raise_item(incident, bob, title="Fix the retry storm", type="prevent", priority="P1"),
        "carol_search": raise_item(other, carol, title="Tune the search cache", type="mitigate", priority="P4"),
        "alice_done": raise_item(other, alice, title="Document the failover", type="process"),
        "carol_dropped": raise_item(incident, carol, title="Add a canary stage", type="prevent"),
    }
    ActionItem.objects.filter(pk=b["bob_late"].pk).update(due_date=TODAY - timedelta(days=2))
    item_actions.update_action_item(b["alice_done"], actor=alice, status="done")
    item_actions.update_action_item(b["carol_dropped"], actor=alice, status="wont_do", reason="Canary exists already.")
    return {k: v.ref for k, v in b.items()}


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", ["bob_late", "bob_detect", "carol_search"]),  # open by default, by due date
        ("?owner=bob", ["bob_late", "bob_detect"]),
        ("?owner=me", []),  # alice's only item is done
        ("?owner=me&status=all", ["alice_done"]),
        ("?service=search&status=all", ["carol_search", "alice_done"]),
        ("?status=done", ["alice_done"]),
        ("?status=wont_do", ["carol_dropped"]),
        ("?status=closed", ["carol_dropped", "alice_done"]),  # SEV2 items fall due before SEV3 ones
        ("?type=prevent&status=all", ["bob_late", "carol_dropped"]),
        ("?overdue=1", ["bob_late"]),
        ("?sort=priority", ["bob_late", "bob_detect", "carol_search"]),
    ],
)
def test_it_filters_and_sorts(board, alice, query, expected):
    assert refs(signed_in(alice).get("/action-items/" + query)) == [board[k] for k in expected]


def test_it_filters_by_incident_number_with_or_without_the_prefix(board, alice, incident):
    client = signed_in(alice)
    expected = [board["bob_late"], board["bob_detect"]]
    assert refs(client.get(f"/action-items/?incident={incident.pk}")) == expected
    assert refs(client.get(f"/action-items/?incident=INC-{incident.pk}")) == expected
    assert "is not an incident number" in client.get("/action-items/?incident=twelve").content.decode()


def test_it_names_the_status_filters_in_words(board, alice):
    html = signed_in(alice).get("/action-items/?status=in_progress").content.decode()
    assert '<option value="in_progress" selected>In progress</option>' in html
    assert '<option value="closed" >Closed (done or won&#x27;t do)</option>' in html


def test_it_groups_by_owner(board, alice):
    response = signed_in(alice).get("/action-items/?group=owner&status=all")
    assert [i.owner.username for i in response.context["page"].object_list] == ["alice", "bob", "bob", "carol", "carol"]
    assert response.content.decode().count('class="group-row"') == 3


def test_it_counts_open_overdue_and_done_this_month(board, alice):
    counts = signed_in(alice).get("/action-items/").context["counts"]
    assert counts == {"open": 3, "overdue": 1, "done_this_month": 1}
    counts = signed_in(alice).get("/action-items/?owner=bob").context["counts"]
    assert counts == {"open": 2, "overdue": 1, "done_this_month": 0}


def test_it_exports_the_current_filter_as_csv(board, alice):
    response = signed_in(alice).get("/action-items/export.csv?owner=bob&sort=priority")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [r["ref"] for r in rows] == [board["bob_late"], board["bob_detect"]]
    assert rows[0]["overdue"] == "yes" and rows[0]["owner"] == "bob" and rows[0]["priority"] == "P1"
    assert rows[1]["done_when"] == "On-call is paged within 5 minutes when the 5xx rate passes 2%."


def test_it_keeps_spreadsheet_formulas_out_of_the_csv(incident, alice, bob, raise_item):
    raise_item(incident, bob, description='=HYPERLINK("http://evil.example")  is what done looks like')
    response = signed_in(alice).get("/action-items/export.csv")
    row = next(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert row["done_when"].startswith("'=HYPERLINK(")


def test_it_keeps_a_formula_shaped_username_out_of_the_owner_column(incident, alice, raise_item):
    from django.contrib.auth import get_user_model

    owner = get_user_model().objects.create_user("-2+3+A1")
    raise_item(incident, owner)
    response = signed_in(alice).get("/action-items/export.csv")
    row = next(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert row["owner"] == "'-2+3+A1"


def test_it_changes_status_inline_and_answers_with_the_row_and_counts(item, alice):
    page_url = "http://testserver/action-items/?owner=bob"
    response = signed_in(alice).post(
        f"/action-items/{item.pk}/change/",
        {"from": "tracker", "status": "done", "reason": ""},
        HTTP_HX_CURRENT_URL=page_url,
        **HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.strip().startswith(f'<tr id="item-row-{item.pk}" class="item-row item-state-done')
    assert '<option value="done" selected>' in html
    # The counts above the table follow, for the filter the page shows.
    assert 'id="item-counts" class="item-counts" hx-swap-oob="true"' in html
    assert "<strong>0</strong> open" in html and "<strong>1</strong> done this month" in html
    assert 'href="?owner=bob&amp;status=done"' in html
    item.refresh_from_db()
    assert item.status == "done" and item.owner.username == "bob"  # the inline control changes only the status


def test_it_keeps_the_row_with_the_error_when_wont_do_has_no_reason(item, alice):
    response = signed_in(alice).post(
        f"/action-items/{item.pk}/change/", {"from": "tracker", "status": "wont_do", "reason": ""}, **HTMX
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "a reason is required" in html
    assert '<option value="wont_do" selected>' in html  # the choice stays, so the reason box shows
    assert "item-counts" not in html
    item.refresh_from_db()
    assert item.status == "open"


def test_it_returns_to_the_same_filter_after_an_inline_change_without_javascript(item, alice):
    back = "http://testserver/action-items/?owner=bob&status=all"
    response = signed_in(alice).post(
        f"/action-items/{item.pk}/change/", {"from": "tracker", "status": "in_progress"}, HTTP_REFERER=back
    )
    assert response.status_code == 302 and response["Location"] == back
    response = signed_in(alice).post(
        f"/action-items/{item.pk}/change/", {"from": "tracker", "status": "done"}, HTTP_REFERER="https://evil.example/"
    )
    assert response["Location"] == "/action-items/"


def test_it_changes_an_item_from_its_page_without_javascript(item, alice, carol):
    client = signed_in(alice)
    assert "Done when" in client.get(item.get_absolute_url()).content.decode()
    response = client.post(
        f"/action-items/{item.pk}/change/",
        {
            "status": "in_progress",
            "owner": carol.pk,
            "due_date": item.due_date.isoformat(),
            "priority": "P3",
            "reason": "",
        },
    )
    assert response.status_code == 302 and response["Location"] == item.get_absolute_url()
    item.refresh_from_db()
    assert (item.status, item.owner) == ("in_progress", carol)
    page = client.get(item.get_absolute_url()).content.decode()
    assert "started work" in page and "gave it to carol" in page  # the item's history comes from the timeline


def test_it_lets_observers_read_the_tracker_but_not_change_items(item, observer):
    client = signed_in(observer)
    assert refs(client.get("/action-items/")) == [item.ref]
    assert (
        client.post(f"/action-items/{item.pk}/change/", {"from": "tracker", "status": "done"}, **HTMX).status_code
        == 403
    )


def test_it_lists_by_api_with_the_same_filters(board, api):
    assert [i["ref"] for i in api.get("/api/v1/action-items", owner="bob").json()["items"]] == [
        board["bob_late"],
        board["bob_detect"],
    ]
    assert [i["ref"] for i in api.get("/api/v1/action-items", overdue="true").json()["items"]] == [board["bob_late"]]
    assert api.get("/api/v1/action-items", status="open").json()["count"] == 3
    assert api.get("/api/v1/action-items").json()["count"] == 5  # the API lists every state unless asked
    response = api.get("/api/v1/action-items", status="later")
    assert response.status_code == 400 and "Unknown status “later”" in response.json()["error"]


# --- thousands of items ---------------------------------------------------------------------------------


@pytest.fixture
def five_thousand(alice, bob, carol, checkout):
    owners = [alice, bob, carol]
    incidents = [
        actions.declare_incident(actor=alice, title=f"Checkout outage {n}", severity="SEV2", services=[checkout])
        for n in range(10)
    ]
    # Bulk rows are test data only; every real item goes through action_items.actions.
    ActionItem.objects.bulk_create(
        [
            ActionItem(
                incident=incidents[n % 10],
                title=f"Add alert {n}",
                description="Pages on-call within 5 minutes.",
                owner=owners[n % 3],
                due_date=TODAY + timedelta(days=(n % 90) - 30),
                priority=f"P{n % 4 + 1}",
                type=ActionItem.Type.values[n % 4],
                status=ActionItem.State.values[n % 4],
                wont_do_reason="Not needed." if n % 4 == 3 else "",
                completed_at=timezone.now() if n % 4 == 2 else None,
            )
            for n in range(5000)
        ],
        batch_size=1000,
    )
    return incidents


@pytest.mark.parametrize(
    "query",
    ["", "?status=all", "?owner=bob&sort=priority", "?service=checkout&overdue=1", "?group=owner&status=all&page=3"],
)
def test_it_answers_in_constant_queries_with_5000_items(five_thousand, alice, query, django_assert_max_num_queries):
    client = signed_in(alice)
    with django_assert_max_num_queries(10):
        response = client.get("/action-items/" + query)
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 100 or query.startswith("?service")


def test_it_streams_a_5000_row_csv_in_constant_queries(five_thousand, alice, django_assert_max_num_queries):
    client = signed_in(alice)
    with django_assert_max_num_queries(8):
        response = client.get("/action-items/export.csv?status=all")
        body = b"".join(response.streaming_content).decode()
    assert len(body.strip().splitlines()) == 5001
