"""An outbound HTTP proxy on loopback that records what it was asked to reach. It forwards plain
`http://` requests to loopback hosts (absolute-URI requests, as clients send them to a proxy)
and answers every CONNECT (the tunnel an `https://` request asks for) with 403 after recording
its target, so nothing a test sends can leave the machine."""

from __future__ import annotations

import http.client
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import urlsplit

LOOPBACK = ("127.0.0.1", "localhost")
HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "proxy-authorization", "proxy-connection", "te", "trailer",
     "transfer-encoding", "upgrade", "content-length"}
)  # fmt: skip


class LoopbackProxy:
    """`with LoopbackProxy() as proxy:` serves on `proxy.url`; `proxy.seen` lists each request
    as (method, target): the absolute URL, or `host:port` for CONNECT."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []
        self._lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_CONNECT(self) -> None:
                proxy._record("CONNECT", self.path)
                self.send_error(403, "the test proxy opens no tunnels")

            def _forward(self) -> None:
                proxy._record(self.command, self.path)
                target = urlsplit(self.path)
                if target.scheme != "http" or target.hostname not in LOOPBACK:
                    self.send_error(403, "the test proxy reaches loopback only")
                    return
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
                upstream = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
                try:
                    path = target.path + (f"?{target.query}" if target.query else "")
                    upstream.request(self.command, path or "/", body=body, headers=headers)
                    answer = upstream.getresponse()
                    payload = answer.read()
                finally:
                    upstream.close()
                self.send_response(answer.status, answer.reason)
                for key, value in answer.getheaders():
                    if key.lower() not in HOP_BY_HOP:
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = _forward

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    def _record(self, method: str, target: str) -> None:
        with self._lock:
            self.seen.append((method, target))

    def requests(self) -> list[tuple[str, str]]:
        with self._lock:
            return list(self.seen)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.shutdown()
        self._server.server_close()
