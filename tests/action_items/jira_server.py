"""A real HTTP server that answers like Jira's create-issue endpoint (POST /rest/api/2/issue), for tests."""

import itertools
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeJira:
    """Answers queued responses in order, then 201 with a fresh key; records every request it got."""

    def __init__(self, project="OPS"):
        self.project = project
        self.requests: list[dict] = []
        self.queued: list[tuple[int, object]] = []
        self.keys = itertools.count(7)
        jira = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"null")
                jira.requests.append({"path": self.path, "headers": dict(self.headers), "json": body})
                if self.path != "/rest/api/2/issue":
                    return self.answer(404, {"errorMessages": ["No such endpoint."], "errors": {}})
                if jira.queued:
                    return self.answer(*jira.queued.pop(0))
                number = next(jira.keys)
                key = f"{jira.project}-{number}"
                return self.answer(
                    201,
                    {"id": str(10000 + number), "key": key, "self": f"{jira.url}/rest/api/2/issue/{10000 + number}"},
                )

            def answer(self, status, payload):
                raw = payload.encode() if isinstance(payload, str) else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json;charset=UTF-8")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def then(self, status, payload):
        self.queued.append((status, payload))
        return self
