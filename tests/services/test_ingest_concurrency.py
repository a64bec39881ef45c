"""Workers racing on the same alerts: deliveries processed at the same moment still declare one incident."""

import json
import threading

import pytest
from django.db import connection

from incidents.models import Incident, Service
from integrations import ingest
from integrations.models import Alert, AlertGroup, Delivery, Endpoint
from tests.integrations.conftest import payload


def process_together(delivery_ids):
    barrier = threading.Barrier(len(delivery_ids))
    errors = []

    def work(delivery_id):
        try:
            barrier.wait(timeout=10)
            ingest.process_delivery(delivery_id)
        except Exception as error:  # surfaced below, with the thread's exception
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(d,)) for d in delivery_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors


@pytest.fixture
def endpoint(transactional_db, django_user_model):
    Service.objects.create(name="Checkout", slug="checkout")
    endpoint = Endpoint(
        kind="alertmanager", name="prometheus", commander=django_user_model.objects.create_user("oncall")
    )
    endpoint.issue_token()
    endpoint.save()
    return endpoint


@pytest.mark.integration
def test_it_declares_once_when_copies_of_a_delivery_race(endpoint):
    body = json.dumps(payload("alertmanager-firing"))
    ids = [Delivery.objects.create(endpoint=endpoint, body=body).pk for _ in range(4)]
    process_together(ids)
    assert (Incident.objects.count(), AlertGroup.objects.count(), Alert.objects.count()) == (1, 1, 2)
    assert set(Delivery.objects.values_list("status", flat=True)) == {"processed"}
    assert Incident.objects.get().entries.filter(kind="alert").count() == 1


@pytest.mark.integration
def test_it_declares_once_when_two_groups_of_one_service_race(endpoint):
    first, second = payload("alertmanager-firing"), payload("alertmanager-firing")
    second["groupKey"] = '{}:{alertname="CheckoutLatency", service="checkout"}'
    for alert in second["alerts"]:
        alert["fingerprint"] = "f" + alert["fingerprint"][1:]
    ids = [Delivery.objects.create(endpoint=endpoint, body=json.dumps(b)).pk for b in (first, second)]
    process_together(ids)
    incident = Incident.objects.get()
    assert AlertGroup.objects.filter(incident=incident).count() == 2
