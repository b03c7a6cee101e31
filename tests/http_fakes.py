"""A real HTTP endpoint on 127.0.0.1 for tests of the optional OpenAI-compatible services.

No mocks: the product's httpx client talks to a socket. The test decides each reply.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

#: (path, JSON body) -> (HTTP status, JSON payload, or raw bytes for a broken reply)
Respond = Callable[[str, dict[str, Any]], tuple[int, Any]]


class JsonEndpoint:
    """POST-only JSON endpoint; ``requests`` keeps every body with its path and auth header."""

    def __init__(self, respond: Respond) -> None:
        self.requests: list[dict[str, Any]] = []
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                endpoint.requests.append(
                    {"path": self.path, "auth": self.headers.get("Authorization"), **body}
                )
                status, payload = respond(self.path, body)
                raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/v1"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
