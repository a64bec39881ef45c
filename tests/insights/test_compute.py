"""The figures of a scripted set of incidents, the way the page, the CSV and the API count them."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from insights.compute import behind, compute, percentile
from insights.filters import InsightsFilterForm


def ask(user, **params):
    form = InsightsFilterForm(params)
    assert form.is_valid(), form.errors
    return compute(user, form.filters())


def test_it_interpolates_percentiles_like_percentile_cont():
    assert percentile([], 0.5) is None
    assert percentile([7.0], 0.9) == 7.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.5
    assert percentile([10.0, 20.0], 0.9) == pytest.approx(19.0)


def test_it_counts_the_visible_incidents_of_the_period_without_drills(scripted, alice):
    summary = ask(alice, days=30).summary
    assert summary["incidents"] == 2
    assert summary["time_to_mitigate"] == {
        "p50_seconds": pytest.approx(2850),
        "p90_seconds": pytest.approx(3450),
        "mean_seconds": pytest.approx(2850),
        "count": 2,
    }
    assert summary["time_to_resolve"]["count"] == 1
    assert summary["time_to_resolve"]["p50_seconds"] == pytest.approx(3900)


def test_it_approximates_acknowledgement_by_the_first_person_when_unstamped(scripted, alice):
    summary = ask(alice, days=30).summary
    # A is stamped at 120 s; B (declared by an alert) was first touched by bob 240 s after declaration.
    assert summary["time_to_acknowledge"]["count"] == 2
    assert summary["time_to_acknowledge"]["p50_seconds"] == pytest.approx(180)
    assert summary["acknowledgements_stamped"] == 1


def test_it_measures_first_updates_promises_postmortems_and_items(scripted, alice):
    summary = ask(alice, days=30).summary
    assert summary["time_to_first_internal_update"]["p50_seconds"] == pytest.approx(600)
    assert summary["time_to_first_external_update"]["p50_seconds"] == pytest.approx(1200)
    assert summary["update_promises_kept"] == {"part": 1, "whole": 2, "ratio": 0.5}
    assert summary["postmortems_on_time"] == {"part": 1, "whole": 1, "ratio": 1.0}
    assert summary["action_items_done_on_time"] == {"part": 1, "whole": 2, "ratio": 0.5}
    assert summary["action_items_overdue"] == 1
    assert summary["recurrences"] == 1


def test_it_includes_drills_when_asked(scripted, alice):
    summary = ask(alice, days=30, include_drills="true").summary
    assert summary["incidents"] == 3
    assert summary["time_to_mitigate"]["p50_seconds"] == pytest.approx(2100)


def test_it_never_counts_a_private_incident_its_reader_may_not_see(scripted, alice, carol):
    assert ask(alice, days=30).summary["incidents"] == 2
    carols = ask(carol, days=30).summary
    assert carols["incidents"] == 3
    assert carols["time_to_mitigate"]["count"] == 3


def test_it_filters_by_period_severity_service_and_team(scripted, alice, checkout, search):
    assert ask(alice, days=90).summary["incidents"] == 3
    assert ask(alice, days=30, severity="SEV1").summary["incidents"] == 1
    assert ask(alice, days=90, service="search").summary["incidents"] == 1
    assert ask(alice, days=30, team="payments").summary["incidents"] == 2
    first = (scripted["e"].declared_at - timedelta(days=1)).date().isoformat()
    last = (scripted["e"].declared_at + timedelta(days=1)).date().isoformat()
    assert ask(alice, start=first, end=last).summary["incidents"] == 1


def test_it_says_what_is_wrong_with_the_question(db):
    form = InsightsFilterForm({"days": "0", "service": "nope"})
    assert not form.is_valid()
    assert "service" in form.errors and "days" in form.errors
    form = InsightsFilterForm({"start": "2026-05-02", "end": "2026-05-01"})
    assert not form.is_valid() and "before the start" in form.errors["end"][0]
    assert not InsightsFilterForm({"start": "2026-05-02"}).is_valid()
    assert not InsightsFilterForm({"include_drills": "maybe"}).is_valid()


def test_it_lists_the_incidents_behind_a_figure(scripted, alice):
    insights = ask(alice, days=30)
    assert [(f.pk, v) for f, v in behind(insights, "time_to_resolve")] == [(scripted["a"].pk, pytest.approx(3900))]
    assert [f.pk for f, _ in behind(insights, "recurrences")] == [scripted["b"].pk]
    assert [f.pk for f, _ in behind(insights, "action_items_overdue")] == [scripted["a"].pk]


def test_it_splits_the_period_into_weeks_and_services(scripted, alice):
    insights = ask(alice, days=30)
    assert sum(week["incidents"] for _, week in insights.weeks) == 2
    assert all(monday.weekday() == 0 for monday, _ in insights.weeks)
    assert [(service, row["incidents"]) for service, row in insights.by_service] == [(("checkout", "Checkout"), 2)]


def test_it_asks_the_same_number_of_queries_for_ten_incidents_as_for_two(scripted, alice, checkout):
    from incidents import actions

    with CaptureQueriesContext(connection) as few:
        ask(alice, days=30)
    for n in range(8):
        incident = actions.declare_incident(actor=alice, title=f"More {n}", severity="SEV3", services=[checkout])
        actions.post_entry(incident, kind="note", body="x", actor=alice)
    with CaptureQueriesContext(connection) as many:
        insights = ask(alice, days=30)
    assert insights.summary["incidents"] == 10
    assert len(many) == len(few)


def test_it_computes_the_headline_percentiles_in_postgresql_when_it_can(scripted, alice):
    with CaptureQueriesContext(connection) as queries:
        ask(alice, days=30)
    in_sql = any("percentile_cont" in q["sql"] for q in queries.captured_queries)
    assert in_sql == (connection.vendor == "postgresql")
