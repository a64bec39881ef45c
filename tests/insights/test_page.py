"""The Insights page, the incidents behind each number and the CSV: what a person sees, and only that."""

import csv
import io
import re

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from incidents import actions
from incidents.models import AuditEvent


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_it_shows_the_headline_figures_with_their_definitions(scripted, alice):
    response = client_for(alice).get("/insights/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="figure-time_to_mitigate"' in html
    assert "From the start of impact (which may precede the declaration)" in html
    assert "the first timeline entry written by a person" in html
    assert "47m" in html  # p50 of 2100 s and 3600 s is 2850 s
    assert "50 %" in html  # 1 of 2 promises kept
    assert "Acknowledgement stamped on 1 of 2 incidents" in html


def test_it_draws_accessible_charts_with_a_table_beside_them(scripted, alice):
    html = client_for(alice).get("/insights/?days=90").content.decode()
    assert html.count('role="img"') == 9
    assert '<title id="chart-time_to_mitigate-title">' in html
    assert 'id="weekly-table"' in html and 'id="service-table"' in html


def test_every_number_links_to_the_incidents_behind_it(scripted, alice):
    page = client_for(alice).get("/insights/").content.decode()
    link = re.search(r'id="figure-time_to_resolve".*?href="([^"]+)"', page, re.S).group(1).replace("&amp;", "&")
    behind = client_for(alice).get(link).content.decode()
    assert f"/incidents/{scripted['a'].pk}/" in behind
    assert f"/incidents/{scripted['b'].pk}/" not in behind  # not resolved: it does not count


def test_it_never_links_a_private_incident_its_reader_may_not_see(scripted, alice, carol):
    behind = client_for(alice).get("/insights/incidents/?figure=incidents&days=30").content.decode()
    assert f"/incidents/{scripted['d'].pk}/" not in behind
    assert "Secret" not in behind
    assert (
        f"/incidents/{scripted['d'].pk}/"
        in client_for(carol).get("/insights/incidents/?figure=incidents").content.decode()
    )


def test_it_rerenders_the_filters_with_the_message_beside_the_field(scripted, alice):
    response = client_for(alice).get("/insights/?service=nope&start=2026-05-03&end=2026-05-01")
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is no service “nope”" in html
    assert "The end date is before the start date." in html
    assert 'aria-invalid="true"' in html


def test_the_behind_list_refuses_an_unknown_figure(db, alice):
    response = client_for(alice).get("/insights/incidents/?figure=nonsense")
    assert response.status_code == 400
    assert "Unknown figure" in response.content.decode()


def test_the_page_asks_a_constant_number_of_queries(scripted, alice, checkout):
    client = client_for(alice)
    client.get("/insights/")
    with CaptureQueriesContext(connection) as few:
        assert client.get("/insights/?days=90").status_code == 200
    for n in range(12):
        incident = actions.declare_incident(actor=alice, title=f"More {n}", severity="SEV3", services=[checkout])
        actions.post_entry(incident, kind="note", body="x", actor=alice)
        actions.change_status(incident, status="mitigated", actor=alice)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/insights/?days=90").status_code == 200
    assert len(many) == len(few)


def test_it_exports_the_by_service_table_as_csv(scripted, alice):
    response = client_for(alice).get("/insights/export.csv?days=30")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["service"] for r in rows] == ["all", "checkout"]
    assert rows[0]["incidents"] == "2"
    assert rows[0]["time_to_mitigate_p50_seconds"] == "2850"
    assert rows[0]["update_promises_kept_ratio"] == "0.5"
    assert AuditEvent.objects.filter(action="export", actor=alice, detail__what="insights.csv").exists()


def test_the_csv_answers_bad_input_in_words(db, alice):
    response = client_for(alice).get("/insights/export.csv?days=abc")
    assert response.status_code == 400
    assert "days" in response.content.decode()


def test_it_asks_anonymous_visitors_to_sign_in(db):
    assert Client().get("/insights/").status_code == 302
    assert Client().get("/insights/export.csv").status_code == 302
