"""The API's one validation layer: hostile or careless input gets a JSON 4xx naming the problem, and writes nothing."""

import json

import pytest
from django.test import Client

from incidents.models import Incident


@pytest.fixture
def bot(alice):
    from tests.conftest import ApiClient

    return ApiClient(alice)


def declare(bot, **fields):
    return bot.post("/api/v1/incidents", {"title": "Checkout down", "severity": "SEV2", **fields})


def assert_json_error(response, status, *needles):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"
    message = response.json()["error"]
    for needle in needles:
        assert needle in message, message


@pytest.mark.parametrize(
    "started_at,needle",
    [
        ("0001-01-01T00:00:00Z", "2000-01-01"),  # Go's zero time
        ("1999-12-31T23:59:59Z", "2000-01-01"),
        ("2026-12-01T05:00:00", "timezone"),  # naive
        ("2026-12-01", "timezone"),  # a date, not a time
        ("9999-01-01T00:00:00Z", "future"),
    ],
)
def test_a_start_time_must_have_a_zone_and_lie_in_a_sane_window(bot, started_at, needle):
    assert_json_error(declare(bot, started_at=started_at), 400, "started_at", needle)
    assert not Incident.objects.exists()


def test_a_correction_to_year_one_is_refused_and_writes_nothing(bot, incident):
    entries = incident.entries.count()
    response = bot.patch(f"/api/v1/incidents/{incident.pk}/timestamps", {"started_at": "0001-01-01T00:00:00Z"})
    assert_json_error(response, 400, "started_at")
    assert incident.entries.count() == entries


def test_a_room_whose_start_is_year_one_still_opens(client, incident, alice):
    """Rows written before the window existed must not take the war room down."""
    from datetime import UTC, datetime

    Incident.objects.filter(pk=incident.pk).update(started_at=datetime(1, 1, 1, tzinfo=UTC))
    client.force_login(alice)
    assert client.get(f"/incidents/{incident.pk}/").status_code == 200


@pytest.mark.parametrize(
    "body,field",
    [
        ({"title": "x\u0000", "severity": "SEV2"}, "title"),
        ({"title": "x", "severity": "SEV2", "summary": "a\u0000b"}, "summary"),
        ({"title": "x", "severity": "SEV2", "services": ["check\u0000out"]}, "services[0]"),
    ],
)
def test_nul_characters_are_refused_with_the_field_named(bot, body, field):
    assert_json_error(bot.post("/api/v1/incidents", body), 400, field, "NUL")
    assert not Incident.objects.exists()


def test_a_lone_surrogate_is_refused(bot):
    raw = '{"title": "\\udc00", "severity": "SEV2"}'
    assert_json_error(bot.post("/api/v1/incidents", raw=raw), 400, "title", "surrogate")
    assert not Incident.objects.exists()


def test_a_nul_in_the_query_string_is_a_400_not_a_500(bot, alice):
    assert_json_error(bot.get("/api/v1/action-items", owner="a\u0000"), 400, "NUL")
    client = Client()
    client.force_login(alice)
    assert client.get("/incidents/", {"q": "x\u0000"}).status_code == 400


def test_an_offset_beyond_any_integer_is_a_400(bot):
    response = bot.client.get("/api/v1/action-items?offset=99999999999999999999")
    assert_json_error(response, 400, "offset")


def test_deeply_nested_json_is_a_400(bot):
    raw = "[" * 100_000 + "]" * 100_000
    assert_json_error(bot.post("/api/v1/incidents", raw=raw), 400, "nested too deeply")


def test_malformed_json_is_a_400(bot):
    assert_json_error(bot.post("/api/v1/incidents", raw='{"title": '), 400, "not valid JSON")


def test_a_body_that_is_not_json_is_a_415(bot):
    body = json.dumps({"title": "Checkout down", "severity": "SEV2"})
    response = bot.client.post("/api/v1/incidents", body, content_type="text/plain")
    assert_json_error(response, 415, "application/json")
    assert not Incident.objects.exists()


def test_an_oversize_body_is_a_413(bot, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = bot.post("/api/v1/incidents", {"title": "x", "severity": "SEV2", "summary": "y" * 20_000})
    assert_json_error(response, 413, "too large")
    assert not Incident.objects.exists()
