"""Helpers for webhook tests: endpoints with known URLs, deliveries posted as senders post them."""

import json
from pathlib import Path

import pytest
from django.test import Client

from integrations import tasks
from integrations.models import Delivery, DeliveryStatus, Endpoint

PAYLOADS = Path(__file__).parent / "payloads"


def payload(name: str) -> dict:
    return json.loads((PAYLOADS / f"{name}.json").read_text())


@pytest.fixture
def make_endpoint(db, alice):
    """make_endpoint(kind, **fields) → (endpoint, path); alice commands what it declares unless told otherwise."""

    def make(kind: str, name: str | None = None, **fields):
        fields.setdefault("commander", alice)
        endpoint = Endpoint(kind=kind, name=name or f"{kind}-{Endpoint.objects.count()}", **fields)
        token = endpoint.issue_token()
        endpoint.save()
        return endpoint, f"/hooks/{kind}/{token}"

    return make


class Sender:
    """Posts like a webhook sender: no session, no CSRF token, raw JSON body."""

    def __init__(self, capture):
        self.client = Client(enforce_csrf_checks=True)
        self.capture = capture

    def post(self, path: str, data=None, *, raw: bytes | str | None = None, headers: dict | None = None):
        body = raw if raw is not None else json.dumps(data)
        with self.capture() as callbacks:
            response = self.client.post(path, body, content_type="application/json", headers=headers or {})
        response.queued = len(callbacks)
        return response

    def deliver(self, path: str, data=None, **kwargs):
        """Post, expect 202, then run the queued ingestion task the way the worker would."""
        response = self.post(path, data, **kwargs)
        assert response.status_code == 202, response.content
        assert response.queued == 1
        delivery_id = response.json()["delivery"]
        tasks.process_delivery.apply(args=[delivery_id])
        return Delivery.objects.get(pk=delivery_id)


@pytest.fixture
def sender(django_capture_on_commit_callbacks):
    return Sender(django_capture_on_commit_callbacks)


def processed(delivery: Delivery) -> bool:
    return delivery.status == DeliveryStatus.PROCESSED
