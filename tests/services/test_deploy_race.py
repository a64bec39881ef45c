"""Five senders report the same deploy at the same moment (a CI retry storm): one deploy, and every sender gets it."""

import threading

import pytest
from django.db import connection

from incidents import actions
from incidents.models import Deploy, Service
from tests.conftest import require_services


@require_services("DATABASE_URL")
@pytest.mark.integration
def test_concurrent_reports_of_one_deploy_store_it_once(transactional_db):
    service = Service.objects.create(name="Checkout", slug="checkout")
    barrier = threading.Barrier(5)
    results, errors = [], []

    def report():
        try:
            barrier.wait(timeout=10)
            results.append(
                actions.record_deploy(service=service, version="v2.14.1", source="github", external_id="run-4242")
            )
        except Exception as error:  # surfaced below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=report) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert Deploy.objects.count() == 1
    assert {d.pk for d in results} == {Deploy.objects.get().pk}
