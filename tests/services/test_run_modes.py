"""Both ways to run, for real: the embedded `make run` process, and the production split
(PostgreSQL, Redis broker and channel layer, separate `celery worker` and `celery beat` processes)."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.core.cache import cache

from tests.conftest import require_services
from warroom.celery import HEARTBEAT_KEY

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable

pytestmark = pytest.mark.integration


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout=60.0, interval=0.5, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")


def get(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except OSError:
        return None, b""


def stop(process):
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_it_runs_embedded_with_worker_and_beat_in_one_process(tmp_path):
    """What `make run` starts: SQLite, in-memory layer, memory broker; no external service at all."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(WARROOM_VAR_DIR=str(tmp_path), WARROOM_ADMIN_PASSWORD="embedded-admin-pw", PYTHONUNBUFFERED="1")
    manage = [PYTHON, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run([*manage, "ensure_admin"], cwd=ROOT, env=env, check=True, capture_output=True)
    token = subprocess.run(
        [*manage, "issue_api_token", "admin"], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout.strip()
    port = free_port()
    log = open(tmp_path / "server.log", "w+")
    server = subprocess.Popen(
        [PYTHON, "-m", "warroom.embedded"],
        cwd=ROOT,
        env={**env, "PORT": str(port)},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        # Healthy only once beat has sent a heartbeat through the memory broker and the worker ran it.
        status, body = wait_for(lambda: (r := get(f"{base}/healthz"))[0] == 200 and r, timeout=90, what="/healthz 200")
        health = json.loads(body)
        assert health["database"]["backend"] == "sqlite"
        assert health["channel_layer"]["backend"] == "InMemoryChannelLayer"
        assert health["task_queue"]["broker"] == "memory"

        request = urllib.request.Request(
            f"{base}/api/v1/incidents",
            data=json.dumps({"title": "Embedded smoke", "severity": "SEV3"}).encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            assert response.status == 201
            assert json.loads(response.read())["roles"]["commander"] == "admin"
        assert (tmp_path / "warroom.sqlite3").exists()
    finally:
        stop(server)
        log.seek(0)
        output = log.read()
    assert server.returncode is not None, "Ctrl-C stops the server, the worker and beat"
    assert "Warroom is running at" in output


@require_services("DATABASE_URL", "REDIS_URL")
def test_it_runs_split_worker_and_beat_on_redis_and_postgres(transactional_db, settings):
    """Production mode: beat → Redis broker → worker, all separate processes, seen by this process's /healthz."""
    assert settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    assert settings.CHANNEL_LAYERS["default"]["BACKEND"] == "channels_redis.core.RedisChannelLayer"
    cache.delete(HEARTBEAT_KEY)
    env = dict(os.environ)
    celery = [PYTHON, "-m", "celery", "-A", "warroom"]
    worker = subprocess.Popen(
        [*celery, "worker", "--pool=solo", "--loglevel=WARNING", "-n", f"it-{os.getpid()}@%h"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    schedule = Path(settings.VAR_DIR) / f"beat-it-{os.getpid()}"
    beat = subprocess.Popen(
        [*celery, "beat", "--loglevel=WARNING", f"--schedule={schedule}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(lambda: cache.get(HEARTBEAT_KEY), timeout=90, what="a heartbeat from the separate worker")
        from django.test import Client

        response = Client().get("/healthz")
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["database"]["backend"] == "postgresql"
        assert body["channel_layer"]["backend"] == "RedisChannelLayer"
        assert body["task_queue"]["broker"] == "redis"
    finally:
        stop(beat)
        stop(worker)
        for suffix in ("", ".db", ".dat", ".dir", ".bak"):
            Path(f"{schedule}{suffix}").unlink(missing_ok=True)
