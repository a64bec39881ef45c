"""Settings read from the environment refuse values they do not understand, naming the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from warroom.env import env_bool, env_float, env_int, parse_update_cadence

ROOT = Path(__file__).resolve().parents[2]


def _run(code, tmp_path, **env):
    """Run Python in a fresh process with the embedded-mode environment plus `env`."""
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
    clean.update(env, WARROOM_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="warroom.settings")
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("word", ["1", "true", "YES", " On ", "True"])
def test_it_reads_the_yes_words_as_true(monkeypatch, word):
    monkeypatch.setenv("HTTPS", word)
    assert env_bool("HTTPS", False) is True


@pytest.mark.parametrize("word", ["0", "false", "NO", " off ", "False"])
def test_it_reads_the_no_words_as_false(monkeypatch, word):
    monkeypatch.setenv("HTTPS", word)
    assert env_bool("HTTPS", True) is False


@pytest.mark.parametrize("default", [True, False])
def test_it_gives_the_default_for_an_unset_or_empty_bool(monkeypatch, default):
    monkeypatch.delenv("HTTPS", raising=False)
    assert env_bool("HTTPS", default) is default
    monkeypatch.setenv("HTTPS", "  ")
    assert env_bool("HTTPS", default) is default


def test_it_refuses_a_bool_it_does_not_know(monkeypatch):
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured) as raised:
        env_bool("DEBUG", False)
    message = str(raised.value)
    assert "DEBUG='maybe'" in message and "yes" in message and "off" in message


def test_it_stops_the_settings_import_on_debug_maybe(tmp_path):
    result = _run("import warroom.settings", tmp_path, DEBUG="maybe")
    assert result.returncode != 0
    assert "ImproperlyConfigured: DEBUG='maybe'" in result.stderr


def test_it_reads_debug_on_in_the_settings(tmp_path):
    code = "import warroom.settings as s; print(s.DEBUG, s.SESSION_COOKIE_SECURE)"
    result = _run(code, tmp_path, DEBUG="on", HTTPS="Yes")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True"]


def test_it_reads_numbers_and_gives_defaults(monkeypatch):
    monkeypatch.setenv("JIRA_MAX_ATTEMPTS", " 3 ")
    monkeypatch.setenv("JIRA_TIMEOUT", "2.5")
    monkeypatch.setenv("SLACK_MAX_RETRIES", "")
    monkeypatch.delenv("SLACK_TIMEOUT_SECONDS", raising=False)
    assert env_int("JIRA_MAX_ATTEMPTS", 8) == 3
    assert env_float("JIRA_TIMEOUT", 10.0) == 2.5
    assert env_int("SLACK_MAX_RETRIES", 5) == 5
    assert env_float("SLACK_TIMEOUT_SECONDS", 5.0) == 5.0


@pytest.mark.parametrize("value", ["eight", "2.5", "-1", "1_000"])
def test_it_refuses_a_count_that_is_not_a_whole_number(monkeypatch, value):
    monkeypatch.setenv("JIRA_MAX_ATTEMPTS", value)
    with pytest.raises(ImproperlyConfigured, match=r"JIRA_MAX_ATTEMPTS=.* is not a whole number"):
        env_int("JIRA_MAX_ATTEMPTS", 8)


@pytest.mark.parametrize("value", ["soon", "0", "-3", "nan", "inf"])
def test_it_refuses_a_timeout_that_is_not_a_positive_number(monkeypatch, value):
    monkeypatch.setenv("SLACK_TIMEOUT_SECONDS", value)
    with pytest.raises(ImproperlyConfigured, match=r"SLACK_TIMEOUT_SECONDS=.* is not a positive number"):
        env_float("SLACK_TIMEOUT_SECONDS", 5.0)


def test_it_names_the_integer_variable_when_the_settings_import_fails(tmp_path):
    result = _run("import warroom.settings", tmp_path, STATUS_PAGE_RECENT_DAYS="a week")
    assert result.returncode != 0
    assert "ImproperlyConfigured: STATUS_PAGE_RECENT_DAYS='a week'" in result.stderr
    assert "ValueError" not in result.stderr


def test_it_parses_the_update_cadence():
    minutes, unreadable = parse_update_cadence(" sev1=10 , SEV2 = 45,SEV3=0,SEV4=None,SEV5=,")
    assert minutes == {"SEV1": 10, "SEV2": 45, "SEV3": None, "SEV4": None, "SEV5": None}
    assert unreadable == []


def test_it_keeps_what_it_can_read_of_a_bad_update_cadence():
    minutes, unreadable = parse_update_cadence("SEV1=fifteen,SEV2=20,SEV3,=5,SEV4=1.5")
    assert minutes == {"SEV2": 20}
    assert unreadable == ["SEV1=fifteen", "SEV3", "=5", "SEV4=1.5"]


def test_it_imports_the_settings_despite_a_bad_update_cadence(tmp_path):
    code = "import warroom.settings as s; print(s.WARROOM['UPDATE_CADENCE_MINUTES'], s.UPDATE_CADENCE_RAW)"
    result = _run(code, tmp_path, UPDATE_CADENCE="SEV1=fifteen,SEV2=20")
    assert result.returncode == 0, result.stderr
    assert "'SEV1': 15, 'SEV2': 20, 'SEV3': 60" in result.stdout and "SEV1=fifteen,SEV2=20" in result.stdout
