"""A resolve never loses its postmortem: with the broker unreachable the resolve still answers, and the sweeper
drafts every resolved incident whose drafting task never ran."""

from datetime import timedelta

import pytest
from django.utils import timezone

from incidents.models import Incident
from postmortems.models import Postmortem
from postmortems.tasks import draft_missing_postmortems
from warroom.celery import app as celery_app


def forget_connections():
    """Drop Celery's connection and producer pools and its messaging object: they remember the broker they were
    made for, and the next publish builds them again from the configuration."""
    celery_app.close()
    celery_app.__dict__.pop("amqp", None)


@pytest.fixture
def broker_down():
    """Point Celery at a port nobody listens on: publishing fails for real, as it does when Redis is stopped."""
    previous = (
        celery_app.conf.broker_url,
        celery_app.conf.broker_connection_timeout,
        celery_app.conf.task_publish_retry,
    )
    forget_connections()
    celery_app.conf.broker_url = "redis://127.0.0.1:9/0"
    celery_app.conf.broker_connection_timeout = 0.5
    celery_app.conf.task_publish_retry = False
    yield
    forget_connections()
    celery_app.conf.broker_url, celery_app.conf.broker_connection_timeout, celery_app.conf.task_publish_retry = previous


def test_a_resolve_with_the_broker_down_answers_and_the_sweeper_drafts_later(
    incident, alice, api, broker_down, django_capture_on_commit_callbacks, caplog
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"/api/v1/incidents/{incident.pk}/status", {"status": "resolved"})
    assert response.status_code == 200, response.content
    assert "could not queue postmortems.tasks.draft_postmortem" in caplog.text
    assert response.json()["status"] == "resolved"
    assert not Postmortem.objects.filter(incident=incident).exists()  # the drafting task was never queued

    assert draft_missing_postmortems() == 0  # too soon: its task may still be on its way
    Incident.objects.filter(pk=incident.pk).update(resolved_at=timezone.now() - timedelta(minutes=1))
    assert draft_missing_postmortems() == 1
    assert Postmortem.objects.filter(incident=incident).count() == 1
    assert draft_missing_postmortems() == 0  # run twice, one document


def test_publishing_reaches_the_configured_broker_after_an_outage(broker_down):
    """The outage fixture leaves Celery as it found it: later tests publish through the real broker."""
    from warroom.celery import heartbeat

    with pytest.raises(Exception):  # noqa: B017  (the broker is down: kombu's error for a refused connection)
        heartbeat.delay()


def test_after_the_outage_fixture_publishing_works_again():
    from warroom.celery import heartbeat

    assert celery_app.conf.broker_url != "redis://127.0.0.1:9/0"
    heartbeat.delay()  # would raise if the pools still pointed at the dead port
