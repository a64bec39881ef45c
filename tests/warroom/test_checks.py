"""The settings checks name a malformed configuration with its id and a hint, and say nothing about a sound one."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from warroom.checks import check_channel_layer, check_jira, check_site_url, check_update_cadence

ROOT = Path(__file__).resolve().parents[2]
JIRA_OFF = {"BASE_URL": "", "PROJECT_KEY": "", "EMAIL": "", "API_TOKEN": "", "ISSUE_TYPE": "Task", "TIMEOUT": 10.0}


def _ids(messages):
    return [message.id for message in messages]


def _with_cadence(settings, **minutes):
    cadence = {**settings.WARROOM["UPDATE_CADENCE_MINUTES"], **minutes}
    settings.WARROOM = {**settings.WARROOM, "UPDATE_CADENCE_MINUTES": cadence}


def test_it_passes_manage_py_check_on_the_default_configuration(capsys):
    call_command("check")
    assert "no issues" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("setting", "value", "check_id"),
    [
        ("UPDATE_CADENCE_RAW", "SEV1=soon", "warroom.E001"),
        ("JIRA", {**JIRA_OFF, "BASE_URL": "https://acme.atlassian.net"}, "warroom.E002"),
        ("SITE_URL", "warroom.example.com", "warroom.E003"),
        ("CHANNEL_LAYERS", {"default": {"BACKEND": "channels.layers.NoSuchLayer"}}, "warroom.E004"),
    ],
)
def test_it_stops_manage_py_check_on_a_bad_setting(settings, setting, value, check_id):
    setattr(settings, setting, value)
    with pytest.raises(SystemCheckError, match=check_id):
        call_command("check")


def test_it_reports_a_bad_update_cadence_from_the_environment(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(UPDATE_CADENCE="SEV1=fifteen,SEV9=10", WARROOM_VAR_DIR=str(tmp_path))
    command = [sys.executable, "manage.py", "check"]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "(warroom.E001) UPDATE_CADENCE item 'SEV1=fifteen'" in result.stderr
    assert "(warroom.E001) Update cadence for unknown severity 'SEV9'" in result.stderr


# --- warroom.E001: update cadence -----------------------------------------------------------------


def test_it_accepts_the_default_and_a_sound_update_cadence(settings):
    assert check_update_cadence() == []
    settings.UPDATE_CADENCE_RAW = "SEV1=10, sev2=240,SEV4=none,SEV5=0,SEV3="
    _with_cadence(settings, SEV1=1, SEV2=240, SEV4=None)
    assert check_update_cadence() == []


def test_it_reports_an_unreadable_update_cadence_item(settings):
    settings.UPDATE_CADENCE_RAW = "SEV1=15,SEV2=half an hour,SEV3"
    errors = check_update_cadence()
    assert _ids(errors) == ["warroom.E001", "warroom.E001"]
    assert "'SEV2=half an hour'" in errors[0].msg and "'SEV3'" in errors[1].msg
    assert "SEV1=15,SEV2=30,SEV4=none" in errors[0].hint


def test_it_reports_an_unknown_severity_in_the_cadence(settings):
    _with_cadence(settings, SEV9=15)
    [error] = check_update_cadence()
    assert error.id == "warroom.E001" and "'SEV9'" in error.msg
    assert "SEV1..SEV5" in error.hint


@pytest.mark.parametrize("minutes", [0, 241, -5, "15", 1.5, True])
def test_it_reports_cadence_minutes_out_of_range(settings, minutes):
    _with_cadence(settings, SEV2=minutes)
    [error] = check_update_cadence()
    assert error.id == "warroom.E001" and f"SEV2={minutes!r}" in error.msg
    assert "1..240" in error.hint


def test_it_reports_a_cadence_that_is_not_a_dict(settings):
    settings.WARROOM = {**settings.WARROOM, "UPDATE_CADENCE_MINUTES": [15, 30]}
    assert _ids(check_update_cadence()) == ["warroom.E001"]


# --- warroom.E002: Jira ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "jira",
    [
        JIRA_OFF,
        {**JIRA_OFF, "BASE_URL": "https://acme.atlassian.net", "PROJECT_KEY": "OPS", "API_TOKEN": "t0ken"},
        {**JIRA_OFF, "BASE_URL": "https://jira.acme", "PROJECT_KEY": "OPS", "API_TOKEN": "pat", "EMAIL": "ops@acme"},
    ],
)
def test_it_accepts_jira_off_or_fully_configured(settings, jira):
    settings.JIRA = jira
    assert check_jira() == []


@pytest.mark.parametrize(
    ("jira", "named"),
    [
        ({"BASE_URL": "https://acme.atlassian.net"}, "JIRA_PROJECT_KEY and JIRA_API_TOKEN"),
        ({"BASE_URL": "https://acme.atlassian.net", "PROJECT_KEY": "OPS"}, "without JIRA_API_TOKEN"),
        ({"PROJECT_KEY": "OPS"}, "JIRA_PROJECT_KEY set without JIRA_BASE_URL"),
        ({"API_TOKEN": "t0ken"}, "JIRA_API_TOKEN set without JIRA_BASE_URL"),
    ],
)
def test_it_reports_a_half_configured_jira(settings, jira, named):
    settings.JIRA = {**JIRA_OFF, **jira}
    [error] = check_jira()
    assert error.id == "warroom.E002" and named in error.msg
    assert "JIRA_BASE_URL" in error.hint and "JIRA_PROJECT_KEY" in error.hint and "JIRA_API_TOKEN" in error.hint


# --- warroom.E003: SITE_URL -----------------------------------------------------------------------


@pytest.mark.parametrize("url", ["http://127.0.0.1:8000", "https://warroom.example.com", "HTTPS://Room.Example:8443"])
def test_it_accepts_an_absolute_site_url(settings, url):
    settings.SITE_URL = url
    assert check_site_url() == []


@pytest.mark.parametrize(
    "url",
    ["", "warroom.example.com", "/incidents", "ftp://warroom.example.com", "https://", "https://warroom.example:https"],
)
def test_it_reports_a_site_url_that_is_not_absolute(settings, url):
    settings.SITE_URL = url
    [error] = check_site_url()
    assert error.id == "warroom.E003" and "not an absolute http(s) URL" in error.msg
    assert "https://warroom.example.com" in error.hint


@pytest.mark.parametrize("url", ["https://example.com/warroom", "https://warroom.example/", "https://w.example?x=1"])
def test_it_reports_a_site_url_with_a_path_or_query(settings, url):
    settings.SITE_URL = url
    [error] = check_site_url()
    assert error.id == "warroom.E003" and "has a path" in error.msg


# --- warroom.E004: channel layer ------------------------------------------------------------------


@pytest.mark.parametrize(
    "backend",
    [
        "channels.layers.InMemoryChannelLayer",
        "channels_redis.core.RedisChannelLayer",
        "channels_redis.pubsub.RedisPubSubChannelLayer",
    ],
)
def test_it_accepts_the_known_channel_layers(settings, backend):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": backend, "CONFIG": {}}}
    assert check_channel_layer() == []


@pytest.mark.parametrize("backend", ["channels_redis.core.RedisChanelLayer", "redis", "", "myapp.Layer"])
def test_it_reports_an_unknown_channel_layer(settings, backend):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": backend}}
    [error] = check_channel_layer()
    assert error.id == "warroom.E004" and f"Unknown channel layer backend {backend!r}" in error.msg
    assert "channels_redis.pubsub.RedisPubSubChannelLayer" in error.hint


def test_it_reports_a_channel_layer_that_cannot_be_imported(settings, monkeypatch):
    monkeypatch.setitem(sys.modules, "channels_redis.core", None)  # as if channels-redis were not installed
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer"}}
    [error] = check_channel_layer()
    assert error.id == "warroom.E004" and "cannot be imported" in error.msg and "channels_redis.core" in error.msg
    assert "requirements.txt" in error.hint


def test_it_derives_api_choices_from_the_models():
    from typing import get_args

    import pytest

    from incidents.models import Severity, Status
    from warroom.choices import choice_literal

    assert get_args(choice_literal(Severity)) == tuple(Severity.values)
    with pytest.raises(ValueError, match="not values of Status"):
        choice_literal(Status, "open_only")
