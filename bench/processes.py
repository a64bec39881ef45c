"""Real server processes and WebSocket clients, shared by the fan-out benchmark and the integration tests."""

import asyncio
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
ENTRY_ID = re.compile(rb'id="entry-(\d+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url_for(name: str) -> str:
    """DATABASE_URL pointing at database `name` on the server of the current DATABASE_URL."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return parts._replace(path=f"/{name}").geturl()


COMMANDS = {
    "uvicorn": lambda port: [
        sys.executable,
        "-m",
        "uvicorn",
        "warroom.asgi:application",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--lifespan",
        "off",
        "--log-level",
        "warning",
        "--no-access-log",
    ],
    "daphne": lambda port: [
        sys.executable,
        "-m",
        "daphne",
        "-b",
        "127.0.0.1",
        "-p",
        str(port),
        "-v",
        "0",
        "warroom.asgi:application",
    ],
}


class ServerProcess:
    """`uvicorn` or `daphne` serving warroom.asgi in its own process, configured by environment only."""

    def __init__(self, env: dict[str, str], server: str = "uvicorn"):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}"
        self.env = {**os.environ, "ALLOWED_HOSTS": "127.0.0.1,localhost", **env}
        self.command = COMMANDS[server](self.port)
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> "ServerProcess":
        self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.command[2]} exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(f"{self.url}/login/", timeout=2) as answer:
                    if answer.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the server on port {self.port} did not answer within {timeout} s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def rss_kib(self) -> int:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return 0


def api_post(base_url: str, path: str, token: str, data: dict) -> dict:
    request = urllib.request.Request(
        f"{base_url}/api/v1{path}",
        data=json.dumps(data).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())


async def open_room_sockets(ws_url: str, incident_id: int, token: str, count: int, *, after: int | None = None):
    """`count` bot sockets in one room, opened all at once; each resumes after `after` when given."""
    from websockets.asyncio.client import connect

    async def one():
        ws = await connect(
            f"{ws_url}/ws/incidents/{incident_id}/",
            additional_headers={"Authorization": f"Bearer {token}"},
            open_timeout=60,
            max_queue=None,
            ping_interval=None,
        )
        if after is not None:
            await ws.send(json.dumps({"type": "resume", "after": after}))
        return ws

    return await asyncio.gather(*(one() for _ in range(count)))


async def wait_for_entry(ws, entry_id: int, timeout: float = 30) -> bool:
    """Read frames until one carries `id="entry-<entry_id>"`."""
    deadline = asyncio.get_running_loop().time() + timeout
    while (left := deadline - asyncio.get_running_loop().time()) > 0:
        try:
            frame = await asyncio.wait_for(ws.recv(decode=False), left)
        except TimeoutError:
            return False
        if str(entry_id).encode() in ENTRY_ID.findall(frame):
            return True
    return False
