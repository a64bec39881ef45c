"""/healthz reports each part; the first-run command creates exactly one admin."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command

from warroom.celery import HEARTBEAT_KEY, heartbeat


@pytest.fixture(autouse=True)
def no_heartbeat():
    cache.delete(HEARTBEAT_KEY)
    yield
    cache.delete(HEARTBEAT_KEY)


def test_it_is_healthy_when_database_layer_and_worker_are_up(client, db):
    heartbeat()  # what beat → broker → worker does every 15 s
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] and body["channel_layer"]["ok"] and body["task_queue"]["ok"]
    assert body["task_queue"]["worker_heartbeat_age_s"] < 5


def test_it_says_the_queue_is_down_without_a_worker_heartbeat(client, db):
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded" and body["database"]["ok"]
    assert body["task_queue"]["ok"] is False and "Celery worker" in body["task_queue"]["error"]


def test_it_needs_no_login(client, db):
    heartbeat()
    assert client.get("/healthz").status_code == 200


def test_it_creates_the_first_admin_once(db, capsys, monkeypatch):
    monkeypatch.delenv("WARROOM_ADMIN_PASSWORD", raising=False)
    call_command("ensure_admin")
    out = capsys.readouterr().out
    password = out.split("password: ")[1].split()[0]
    admin = get_user_model().objects.get()
    assert admin.username == "admin" and admin.is_superuser and admin.check_password(password)
    call_command("ensure_admin")
    assert capsys.readouterr().out == "" and get_user_model().objects.count() == 1


def test_it_takes_the_admin_password_from_the_environment(db, capsys, monkeypatch):
    monkeypatch.setenv("WARROOM_ADMIN_PASSWORD", "correct horse battery")
    call_command("ensure_admin")
    assert "correct horse" not in capsys.readouterr().out
    assert get_user_model().objects.get().check_password("correct horse battery")


def test_issue_api_token_explains_an_unknown_user(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No user named 'ghost'"):
        call_command("issue_api_token", "ghost")
