"""A real Prometheus scrapes the running app's /metrics with the bearer token; the test reads the declared-incident
counter back through Prometheus's own HTTP query API after declaring incidents."""

import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request

import pytest

from incidents import actions

PROMETHEUS = os.environ.get("PROMETHEUS", "/usr/bin/prometheus")
TOKEN = "scrape-token-for-the-test"

CONFIG = """
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: warroom
    metrics_path: /metrics
    authorization:
      type: Bearer
      credentials: "{token}"
    static_configs:
      - targets: ["{target}"]
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def query(base: str, expression: str) -> list:
    url = f"{base}/api/v1/query?" + urllib.parse.urlencode({"query": expression})
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            body = json.load(response)
    except OSError:
        return []
    return body["data"]["result"] if body.get("status") == "success" else []


def wait_for(condition, what: str, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.5)
    pytest.fail(f"gave up waiting for {what}")


@pytest.fixture
def prometheus(live_app, settings):
    if not os.path.exists(PROMETHEUS):
        pytest.fail(f"{PROMETHEUS} not found; `make test` installs Debian's prometheus package.")
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_ALLOWED_ADDRESSES = ""
    workdir = tempfile.mkdtemp(prefix="warroom-prom-")
    config = os.path.join(workdir, "prometheus.yml")
    with open(config, "w") as f:
        f.write(CONFIG.format(token=TOKEN, target=live_app.url.removeprefix("http://")))
    port = free_port()
    process = subprocess.Popen(
        [
            PROMETHEUS,
            f"--config.file={config}",
            f"--storage.tsdb.path={workdir}/data",
            f"--web.listen-address=127.0.0.1:{port}",
            "--log.level=warn",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)
        shutil.rmtree(workdir, ignore_errors=True)


def test_prometheus_reads_the_declared_incidents_back(prometheus, alice, checkout):
    # The scrape succeeds with the token (up == 1) before anything is declared.
    wait_for(lambda: [r for r in query(prometheus, 'up{job="warroom"}') if r["value"][1] == "1"], "a first scrape")
    for severity in ("SEV1", "SEV2", "SEV2"):
        actions.declare_incident(actor=alice, title=f"{severity} outage", severity=severity, services=[checkout])
    actions.declare_incident(actor=alice, title="Game day", severity="SEV1", is_drill=True)

    def declared():
        result = query(prometheus, "sum by (severity) (warroom_incidents_declared_total)")
        values = {r["metric"]["severity"]: float(r["value"][1]) for r in result}
        return values if values.get("SEV1") == 1 and values.get("SEV2") == 2 else None

    values = wait_for(declared, "warroom_incidents_declared_total in Prometheus")
    assert values["SEV3"] == 0  # every severity is exported, drills are not counted
