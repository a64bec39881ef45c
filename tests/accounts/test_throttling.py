"""API rate limits: per bearer token, and per address for calls without a valid token (none or a wrong one),
answered 429 with Retry-After and a JSON error."""

import json

import pytest
from django.test import Client

from tests.conftest import ApiClient


@pytest.fixture
def rates(settings):
    settings.API_THROTTLE_RATES = {"token": "3/min", "address": "2/min"}


def assert_throttled(answer):
    assert answer.status_code == 429
    assert answer["Content-Type"].startswith("application/json")
    assert json.loads(answer.content)["error"].startswith("Too many requests")
    assert 1 <= int(answer["Retry-After"]) <= 60


def test_a_token_is_throttled_on_its_own(db, alice, bob, rates):
    alices, bobs = ApiClient(alice), ApiClient(bob)
    for _ in range(3):
        assert alices.get("/api/v1/incidents").status_code == 200
    assert_throttled(alices.get("/api/v1/incidents"))
    assert bobs.get("/api/v1/incidents").status_code == 200  # another token, its own bucket


def test_bad_tokens_are_throttled_per_address_then_refused_outright(db, alice, rates):
    guesser = Client(HTTP_AUTHORIZATION="Bearer wr_guess", REMOTE_ADDR="203.0.113.9")
    assert guesser.get("/api/v1/incidents").status_code == 401
    assert Client(REMOTE_ADDR="203.0.113.9").get("/api/v1/incidents").status_code == 401  # no token counts too
    assert_throttled(guesser.get("/api/v1/incidents"))
    # While the address is throttled no token is looked at, a right one included: guessing gains nothing.
    right = ApiClient(alice).token
    assert_throttled(Client(HTTP_AUTHORIZATION=f"Bearer {right}", REMOTE_ADDR="203.0.113.9").get("/api/v1/incidents"))
    # Another address is not held back, and a forged X-Forwarded-For does not pick the bucket.
    assert (
        Client(HTTP_AUTHORIZATION=f"Bearer {right}", REMOTE_ADDR="198.51.100.1").get("/api/v1/incidents").status_code
        == 200
    )
    forged = Client(HTTP_AUTHORIZATION="Bearer wr_guess", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="192.0.2.77")
    assert_throttled(forged.get("/api/v1/incidents"))


def test_the_default_rates_leave_a_busy_bot_alone(db, alice):
    bot = ApiClient(alice)
    assert all(bot.get("/api/v1/incidents").status_code == 200 for _ in range(100))
