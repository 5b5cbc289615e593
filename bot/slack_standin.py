"""A Slack Web API stand-in on loopback, for tests, benchmarks and the local playground.

It answers the Web API methods the bot calls, keeps the messages, views and ephemerals it was
sent (so a message updated with chat.update changes in place), records every call, and can be
told to fail: HTTP 429 with Retry-After, 500, or an `ok: false` error such as `invalid_auth`.
It also accepts POSTs to `response_url`s it hands out, and answers `apps.connections.open`
(with an app-level token) with the Socket Mode WebSocket URL a test sets. It binds 127.0.0.1
only.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qs, urlparse

from bot.text import plural

TEAM_ID = "T0BOUNDARY"
BOT_USER_ID = "U0BOTUSER"
BOT_ID = "B0BOUNDARY"
APP_ID = "A0BOUNDARY"
# Web API methods that take an app-level token (`xapp-...`), not the bot token.
APP_LEVEL_METHODS = frozenset({"apps.connections.open"})


@dataclass(frozen=True)
class Call:
    method: str
    params: dict[str, Any]
    token: str | None
    at: float


@dataclass
class Fault:
    """An injected failure: answer `times` matching calls with it, then behave again."""

    method: str
    status: int = 200
    error: str | None = None
    retry_after: int | None = None
    times: int = 1
    when: Callable[[dict[str, Any]], bool] | None = None


@dataclass
class Message:
    channel: str
    ts: str
    text: str
    blocks: list[dict[str, Any]]
    user: str = BOT_USER_ID
    thread_ts: str | None = None
    updates: int = 0


@dataclass
class StandInState:
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    messages: dict[str, list[Message]] = field(default_factory=dict)
    ephemerals: list[dict[str, Any]] = field(default_factory=list)
    responses: list[dict[str, Any]] = field(default_factory=list)
    views: dict[str, dict[str, Any]] = field(default_factory=dict)
    home: dict[str, dict[str, Any]] = field(default_factory=dict)
    faults: list[Fault] = field(default_factory=list)


class SlackStandIn:
    def __init__(self, *, token: str | None = None, app_token: str | None = None) -> None:
        self.state = StandInState()
        self.token = token
        self.app_token = app_token
        # What apps.connections.open answers: a ws:// URL served by a test's WebSocket server.
        self.socket_mode_url: str | None = None
        self._lock = threading.Condition()
        self._ts = itertools.count(1)
        self._view_ids = itertools.count(1)
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

    def dm_channel(self, user_id: str) -> str:
        return "D" + user_id

    def reset(self) -> None:
        with self._lock:
            users = self.state.users
            self.state = StandInState(users=users)

    # ---- request handling --------------------------------------------------------------
    def _handle(self, request: BaseHTTPRequestHandler, *, body: bytes) -> None:
        url = urlparse(request.path)
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
            headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after else {}
            payload = {
                "ok": False,
                "error": fault.error
                or ("ratelimited" if fault.status == 429 else "internal_error"),
            }
            _reply(request, fault.status, payload, headers)
            return
        refused = self._refused_token(method, token)
        if refused is not None:
            _reply(request, 200, {"ok": False, "error": refused})
            return
        handler = getattr(self, "_api_" + method.replace(".", "_"), None)
        if handler is None:
            _reply(request, 200, {"ok": False, "error": "unknown_method"})
            return
        with self._lock:
            answer = handler(params)
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

    def _next_ts(self) -> str:
        return f"{int(time.time())}.{next(self._ts):06d}"

    # ---- Web API methods (called with the lock held) -----------------------------------
    def _api_auth_test(self, _: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://boundary-standin.slack.com/",
            "team": "Boundary Stand-in",
            "user": "boundary-bot",
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "app_id": APP_ID,
        }

    def _api_apps_connections_open(self, _: dict[str, Any]) -> dict[str, Any]:
        if self.socket_mode_url is None:
            # The stand-in's own wording: no test has started a Socket Mode server.
            return {"ok": False, "error": "socket_mode_not_enabled"}
        return {"ok": True, "url": self.socket_mode_url}

    def _api_chat_postMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = str(params.get("channel", ""))
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        if channel.startswith("U"):
            channel = self.dm_channel(channel)
        message = Message(
            channel=channel,
            ts=self._next_ts(),
            text=str(params.get("text") or ""),
            blocks=_json_list(params.get("blocks")),
            thread_ts=params.get("thread_ts"),
        )
        self.state.messages.setdefault(channel, []).append(message)
        return {"ok": True, "channel": channel, "ts": message.ts, "message": _message_json(message)}

    def _api_chat_update(self, params: dict[str, Any]) -> dict[str, Any]:
        channel, ts = str(params.get("channel", "")), str(params.get("ts", ""))
        for message in self.state.messages.get(channel, []):
            if message.ts == ts:
                message.text = str(params.get("text") or message.text)
                if "blocks" in params:
                    message.blocks = _json_list(params.get("blocks"))
                message.updates += 1
                return {"ok": True, "channel": channel, "ts": ts, "text": message.text}
        return {"ok": False, "error": "message_not_found"}

    def _api_chat_postEphemeral(self, params: dict[str, Any]) -> dict[str, Any]:
        entry = {
            **params,
            "blocks": _json_list(params.get("blocks")),
            "message_ts": self._next_ts(),
        }
        self.state.ephemerals.append(entry)
        return {"ok": True, "message_ts": entry["message_ts"]}

    def _api_conversations_open(self, params: dict[str, Any]) -> dict[str, Any]:
        users = str(params.get("users", ""))
        if not users:
            return {"ok": False, "error": "users_list_not_supplied"}
        user = users.split(",")[0]
        if user in self.state.users and self.state.users[user]["deleted"]:
            return {"ok": False, "error": "user_disabled"}
        return {"ok": True, "channel": {"id": self.dm_channel(user), "is_im": True}}

    def _api_users_info(self, params: dict[str, Any]) -> dict[str, Any]:
        user = self.state.users.get(str(params.get("user", "")))
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "user": user}

    def _api_users_lookupByEmail(self, params: dict[str, Any]) -> dict[str, Any]:
        email = str(params.get("email", "")).lower()
        for user in self.state.users.values():
            if (user["profile"].get("email") or "").lower() == email:
                return {"ok": True, "user": user}
        return {"ok": False, "error": "users_not_found"}

    def _view(self, params: dict[str, Any], view_id: str | None = None) -> dict[str, Any]:
        view = params.get("view")
        view = json.loads(view) if isinstance(view, str) else dict(view or {})
        view["id"] = view_id or f"V{next(self._view_ids):08d}"
        self.state.views[view["id"]] = view
        return view

    def _api_views_open(self, params: dict[str, Any]) -> dict[str, Any]:
        if not params.get("trigger_id"):
            return {"ok": False, "error": "invalid_trigger_id"}
        return {"ok": True, "view": self._view(params)}

    def _api_views_push(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._api_views_open(params)

    def _api_views_update(self, params: dict[str, Any]) -> dict[str, Any]:
        view_id = params.get("view_id")
        if not view_id or view_id not in self.state.views:
            return {"ok": False, "error": "not_found"}
        return {"ok": True, "view": self._view(params, view_id)}

    def _api_views_publish(self, params: dict[str, Any]) -> dict[str, Any]:
        user = str(params.get("user_id", ""))
        view = self._view(params, self.state.home.get(user, {}).get("id"))
        self.state.home[user] = view
        return {"ok": True, "view": view}


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


def _json_list(value: Any) -> list[dict[str, Any]]:
    if value is None:
        return []
    if isinstance(value, str):
        value = json.loads(value)
    return list(value)


def _message_json(message: Message) -> dict[str, Any]:
    return {
        "type": "message",
        "user": message.user,
        "text": message.text,
        "ts": message.ts,
        "blocks": message.blocks,
    }


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
