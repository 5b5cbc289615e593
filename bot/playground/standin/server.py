"""The Slack stand-in's loopback HTTP server: it records every call, injects the failures it was
told to, refuses wrong tokens, and keeps what is posted to the `response_url`s it hands out."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qs, urlparse

from bot.playground.standin.files import FileMethods
from bot.playground.standin.records import (
    APP_LEVEL_METHODS,
    TEAM_ID,
    Call,
    Fault,
    Message,
    StandInState,
)
from bot.playground.standin.web_api import WebApiMethods
from bot.text import plural


class SlackStandIn(WebApiMethods, FileMethods):
    """Slack's Web API on 127.0.0.1 (only): start it, point SLACK_API_URL at `api_url`."""

    def __init__(self, *, token: str | None = None, app_token: str | None = None) -> None:
        WebApiMethods.__init__(self)
        FileMethods.__init__(self)
        self.token = token
        self.app_token = app_token
        self._lock = threading.Condition()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.listeners: list[Callable[[Call], None]] = []

    # ---- lifecycle -------------------------------------------------------------------
    def start(self, port: int = 0) -> Self:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_GET(self) -> None:
                standin._handle(self, body=b"")

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                standin._handle(self, body=self.rfile.read(length))

        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._server.daemon_threads = True
        # A short poll interval makes stop() quick; tests start and stop many stand-ins.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        assert self._server is not None, "start() the stand-in first"
        port = self._server.server_address[1]
        return f"http://127.0.0.1:{port}/"

    @property
    def upload_base(self) -> str:
        return self.base_url

    @property
    def api_url(self) -> str:
        """What SLACK_API_URL should be set to."""
        return self.base_url + "api/"

    def response_url(self, name: str = "r") -> str:
        return f"{self.base_url}response/{name}"

    # ---- setup and fault injection -----------------------------------------------------
    def add_user(
        self,
        user_id: str,
        *,
        name: str | None = None,
        tz: str = "America/Los_Angeles",
        email: str | None = None,
        deleted: bool = False,
        is_admin: bool = False,
    ) -> None:
        with self._lock:
            self.state.users[user_id] = {
                "id": user_id,
                "team_id": TEAM_ID,
                "name": (name or user_id).lower(),
                "real_name": name or user_id,
                "deleted": deleted,
                "is_admin": is_admin,
                "is_bot": False,
                "tz": tz,
                "tz_offset": 0,
                "profile": {"email": email, "real_name": name or user_id},
            }

    def fail(
        self,
        method: str,
        *,
        status: int = 200,
        error: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
        when: Callable[[dict[str, Any]], bool] | None = None,
    ) -> None:
        with self._lock:
            self.state.faults.append(Fault(method, status, error, retry_after, times, when))

    # ---- what was received -------------------------------------------------------------
    def calls(self, method: str | None = None) -> list[Call]:
        with self._lock:
            return [c for c in self.state.calls if method is None or c.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                found = [c for c in self.state.calls if c.method == method]
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"{method}: {plural(len(found), 'call')}, wanted {count}")
                self._lock.wait(remaining)

    def messages(self, channel: str) -> list[Message]:
        with self._lock:
            return list(self.state.messages.get(channel, []))

    def reset(self) -> None:
        with self._lock:
            users = self.state.users
            self.state = StandInState(users=users)

    # ---- request handling --------------------------------------------------------------
    def _handle(self, request: BaseHTTPRequestHandler, *, body: bytes) -> None:
        url = urlparse(request.path)
        if url.path.startswith("/upload/"):  # a file's bytes, not a form: never parsed
            with self._lock:
                stored = self.receive_upload(url.path[len("/upload/") :], body)
                self._lock.notify_all()
            _reply(request, 200 if stored else 404, {"ok": stored})
            return
        params = _params(url.query, body, request.headers.get("Content-Type", ""))
        token = (request.headers.get("Authorization") or "").removeprefix("Bearer ").strip()
        if url.path.startswith("/response/"):
            with self._lock:
                name = url.path[len("/response/") :]
                self.state.responses.append({"name": name, **params})
                self._lock.notify_all()
            _reply(request, 200, {"ok": True})
            return
        if not url.path.startswith("/api/"):
            _reply(request, 404, {"ok": False, "error": "not_found"})
            return
        method = url.path[len("/api/") :]
        token = token or params.pop("token", None)
        call = Call(method, params, token or None, time.monotonic())
        with self._lock:
            self.state.calls.append(call)
            fault = self._take_fault(method, params)
            self._lock.notify_all()
        for listener in list(self.listeners):
            listener(call)
        if fault is not None:
            _reply_with_fault(request, fault)
            return
        refused = self._refused_token(method, token)
        if refused is not None:
            _reply(request, 200, {"ok": False, "error": refused})
            return
        with self._lock:
            answer = self.answer(method, params)
            self._lock.notify_all()
        _reply(request, 200, answer)

    def _refused_token(self, method: str, token: str | None) -> str | None:
        """Slack's error for a call made with the wrong kind of token, or a wrong token."""
        if method == "api.test":
            return None
        if method in APP_LEVEL_METHODS:
            if not (token or "").startswith("xapp-"):
                return "not_allowed_token_type"
            return "invalid_auth" if self.app_token not in (None, token) else None
        return "invalid_auth" if self.token not in (None, token) else None

    def _take_fault(self, method: str, params: dict[str, Any]) -> Fault | None:
        for fault in self.state.faults:
            if (
                fault.method == method
                and fault.times > 0
                and (fault.when is None or fault.when(params))
            ):
                fault.times -= 1
                return fault
        return None


def _params(query: str, body: bytes, content_type: str) -> dict[str, Any]:
    params: dict[str, Any] = {k: v[-1] for k, v in parse_qs(query).items()}
    if not body:
        return params
    if "application/json" in content_type:
        loaded = json.loads(body or b"{}")
        params.update(loaded if isinstance(loaded, dict) else {})
    else:
        params.update({k: v[-1] for k, v in parse_qs(body.decode("utf-8")).items()})
    return params


def _reply_with_fault(request: BaseHTTPRequestHandler, fault: Fault) -> None:
    headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after else {}
    error = fault.error or ("ratelimited" if fault.status == 429 else "internal_error")
    _reply(request, fault.status, {"ok": False, "error": error}, headers)


def _reply(
    request: BaseHTTPRequestHandler,
    status: int,
    payload: dict[str, Any],
    headers: dict[str, str] | None = None,
) -> None:
    body = json.dumps(payload).encode("utf-8")
    request.send_response(status)
    request.send_header("Content-Type", "application/json; charset=utf-8")
    request.send_header("Content-Length", str(len(body)))
    for name, value in (headers or {}).items():
        request.send_header(name, value)
    request.end_headers()
    request.wfile.write(body)
