"""`Idempotency-Key`: a retried create answers as the first time did and writes nothing twice."""

import json
import threading

import pytest
from django.db import connection
from django.test import Client

from incidents.models import ApiToken, Incident
from tests.conftest import require_services
from warroom.celery import purge_idempotent_requests
from warroom.models import IdempotentRequest


def declare(client, key, title="Checkout down"):
    return client.post(
        "/api/v1/incidents",
        json.dumps({"title": title, "severity": "SEV2"}),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key,
    )


@pytest.fixture
def bot(alice):
    return Client(HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(alice)[1]}")


def test_a_retry_gets_the_first_answer_and_creates_nothing(bot):
    first = declare(bot, "declare-7f3a")
    again = declare(bot, "declare-7f3a")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Incident.objects.count() == 1


def test_the_same_key_with_another_body_is_refused(bot):
    declare(bot, "k1")
    response = declare(bot, "k1", title="Search down")
    assert response.status_code == 422
    assert "different request" in response.json()["error"]
    assert Incident.objects.count() == 1


def test_keys_belong_to_their_client(bot, bob):
    other = Client(HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(bob)[1]}")
    declare(bot, "same-key")
    declare(other, "same-key")
    assert Incident.objects.count() == 2


def test_a_refusal_is_remembered_too_and_a_server_error_is_not(bot):
    bad = bot.post(
        "/api/v1/incidents",
        json.dumps({"title": "", "severity": "SEV2"}),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k2",
    )
    assert bad.status_code == 400
    assert IdempotentRequest.objects.get(key="k2").status == 400


def test_a_key_must_be_short_and_printable(bot):
    assert declare(bot, "x" * 256).status_code == 400
    assert declare(bot, "tab\there").status_code == 400
    assert not Incident.objects.exists()


def test_without_a_key_nothing_is_remembered(bot):
    bot.post("/api/v1/incidents", json.dumps({"title": "x", "severity": "SEV3"}), content_type="application/json")
    assert not IdempotentRequest.objects.exists()


def test_answers_expire_after_a_day(bot):
    from datetime import timedelta

    from django.utils import timezone

    declare(bot, "old")
    IdempotentRequest.objects.update(created_at=timezone.now() - timedelta(hours=25))
    assert purge_idempotent_requests() == 1


@require_services("DATABASE_URL")
@pytest.mark.integration
def test_copies_racing_on_one_key_create_once(transactional_db, django_user_model):
    user = django_user_model.objects.create_user("bot")
    raw = ApiToken.issue(user)[1]
    barrier = threading.Barrier(5)
    statuses, errors = [], []

    def send():
        try:
            client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
            barrier.wait(timeout=10)
            statuses.append(declare(client, "race-1").status_code)
        except Exception as error:  # surfaced below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert statuses == [201] * 5
    assert Incident.objects.count() == 1
