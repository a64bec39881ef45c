"""A real OpenID provider for the SSO tests: the npm package oidc-provider, run by Node from oidc_provider/.

Import the `oidc_provider` fixture into a test module to use it (it needs `live_app`, the app it signs in to).
"""

import json
import os
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest

from accounts.oidc import forget_discovery

PROVIDER_DIR = Path(__file__).resolve().parent / "oidc_provider"
CLIENT_ID, CLIENT_SECRET = "warroom-test", "warroom-test-secret-0123456789"
ACCOUNTS = {
    "dana": {"email": "dana@example.com", "name": "Dana Scully", "groups": ["payments", "warroom-admins"]},
    "oscar": {"email": "oscar@example.com", "name": "Oscar Reed", "groups": ["auditors"]},
}


class OpenIDProvider:
    def __init__(self, rp_url: str):
        node = shutil.which("node")
        if node is None or not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
            pytest.fail("Node or the oidc-provider package is missing: `make oidc-provider` installs it.")
        env = {
            **os.environ,
            "PORT": "0",
            "RP_URL": rp_url,
            "CLIENT_ID": CLIENT_ID,
            "CLIENT_SECRET": CLIENT_SECRET,
            "ACCOUNTS": json.dumps(ACCOUNTS),
        }
        self.process = subprocess.Popen(
            [node, "provider.mjs"],
            cwd=PROVIDER_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        self.issuer = self._wait_for_issuer()

    def _wait_for_issuer(self) -> str:
        found = {}

        def read():
            for line in self.process.stdout:
                if line.startswith("listening "):
                    found["issuer"] = line.split(" ", 1)[1].strip()
                    return

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        reader.join(timeout=20)
        if "issuer" not in found:
            self.stop()
            pytest.fail("the OpenID provider (node provider.mjs) did not start within 20 s")
        return found["issuer"]

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def oidc_provider(live_app, settings):
    """The provider, started for this test, and the app configured to use it (admins and Observers by group)."""
    provider = OpenIDProvider(live_app.url)
    settings.OIDC_ISSUER = provider.issuer
    settings.OIDC_PROVIDER_NAME = "Test IdP"
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_ADMIN_GROUPS = ["warroom-admins"]
    settings.OIDC_OBSERVER_GROUPS = ["auditors"]
    forget_discovery()
    yield provider
    provider.stop()
    forget_discovery()


def wait_until(check, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


def closed_port() -> int:
    """A port nothing listens on: a provider that is down."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
