"""Loopback servers for connector tests: a real scim2-server, and a scriptable JSON stand-in
that answers like the OpenAI, WorkOS, Okta and Claude Admin APIs."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit
from wsgiref.simple_server import WSGIRequestHandler, make_server

from scim2_server.memory import InMemoryStorage
from scim2_server.service import ScimService
from scim2_server.testserver.application import BEARER_TOKEN_SCHEME, BearerTokenApplication
from scim2_server.testserver.cli import ThreadingWSGIServer
from scim2_server.utils import load_default_provider


class _QuietWsgi(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@dataclass
class ScimServer:
    base_url: str
    storage: InMemoryStorage


@contextmanager
def scim_server(token: str) -> Iterator[ScimServer]:
    """A real scim2-server on a free loopback port, accepting only `token`."""
    provider = load_default_provider()
    provider.config.authentication_schemes = [BEARER_TOKEN_SCHEME]
    storage = InMemoryStorage()
    app = BearerTokenApplication(
        storage, provider, service=ScimService(provider, secret="test"), bearer_tokens=[token]
    )
    server = make_server(
        "127.0.0.1", 0, app, server_class=ThreadingWSGIServer, handler_class=_QuietWsgi
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield ScimServer(f"http://127.0.0.1:{server.server_port}/v2/", storage)
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Reply:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None  # sent as is (for malformed JSON)


Route = Callable[[dict[str, list[str]], str], Reply]


@dataclass
class StandIn:
    """Routes by path; `faults[path]` replies are served first, one per request."""

    base_url: str = ""
    routes: dict[str, Route] = field(default_factory=dict)
    faults: dict[str, list[Reply]] = field(default_factory=dict)
    requests: list[tuple[str, str]] = field(default_factory=list)  # (path, Authorization)
    headers: list[dict[str, str]] = field(default_factory=list)  # each request's, names lower-case
    # Answers first when it returns a Reply (an API that checks its own auth headers).
    gate: Callable[[dict[str, str]], Reply | None] | None = None

    def reply(self, path: str, query: dict[str, list[str]], raw_url: str) -> Reply:
        pending = self.faults.get(path)
        if pending:
            return pending.pop(0)
        route = self.routes.get(path)
        if route is None:
            return Reply(404, {"error": "not found"})
        return route(query, raw_url)


@contextmanager
def stand_in() -> Iterator[StandIn]:
    state = StandIn()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            state.requests.append((parts.path, self.headers.get("Authorization", "")))
            received = {name.lower(): value for name, value in self.headers.items()}
            state.headers.append(received)
            refused = state.gate(received) if state.gate is not None else None
            answer = refused or state.reply(parts.path, parse_qs(parts.query), self.path)
            body = answer.raw if answer.raw is not None else json.dumps(answer.body).encode()
            self.send_response(answer.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.base_url = f"http://127.0.0.1:{server.server_port}/"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def cursor_pages(items: list[dict[str, Any]], size: int, style: str) -> Route:
    """A list route paged like OpenAI (`after` + `has_more`) or WorkOS (`list_metadata`)."""

    def route(query: dict[str, list[str]], _url: str) -> Reply:
        after = query.get("after", [None])[0]
        start = 0
        if after is not None:
            start = next(i for i, item in enumerate(items) if item["id"] == after) + 1
        page = items[start : start + size]
        more = start + size < len(items)
        if style == "openai":
            return Reply(
                body={
                    "object": "list",
                    "data": page,
                    "first_id": page[0]["id"] if page else None,
                    "last_id": page[-1]["id"] if page else None,
                    "has_more": more,
                }
            )
        return Reply(
            body={
                "object": "list",
                "data": page,
                "list_metadata": {"before": None, "after": page[-1]["id"] if more else None},
            }
        )

    return route


def by_organisation(items: list[dict[str, Any]], size: int = 10) -> Route:
    """A WorkOS list filtered by `organization_id` (connections, directories), cursor-paged."""

    def route(query: dict[str, list[str]], url: str) -> Reply:
        wanted = query.get("organization_id", [""])[0]
        mine = [item for item in items if item["organization_id"] == wanted]
        return cursor_pages(mine, size, "workos")(query, url)

    return route


@dataclass
class OktaApps:
    """Okta's `GET /api/v1/apps` as documented: `q` (name or label starts with, any case),
    `filter` (only `status eq "ACTIVE"|"INACTIVE"` here; anything else is a 400 as Okta gives),
    `limit`, and an `after` cursor in the `Link: <...>; rel="next"` header. `broken_after`
    makes the page after that app id malformed JSON, to break a list half-way."""

    base_url: str
    apps: list[dict[str, Any]]
    size: int = 2
    broken_after: str | None = None
    queries: list[dict[str, list[str]]] = field(default_factory=list)

    def __call__(self, query: dict[str, list[str]], _url: str) -> Reply:
        self.queries.append(query)
        found = self.apps
        q = query.get("q", [""])[0].casefold()
        if q:
            found = [
                a for a in found if any(a[k].casefold().startswith(q) for k in ("name", "label"))
            ]
        expression = query.get("filter", [""])[0]
        if expression:
            status = expression.removeprefix('status eq "').removesuffix('"')
            if expression != f'status eq "{status}"' or status not in ("ACTIVE", "INACTIVE"):
                return Reply(400, {"errorCode": "E0000031", "errorSummary": "Invalid filter"})
            found = [a for a in found if a["status"] == status]
        after = query.get("after", [None])[0]
        if after is not None and after == self.broken_after:
            return Reply(raw=b'[{"id": "0oa-broken", ')
        start = 0 if after is None else next(i for i, a in enumerate(found) if a["id"] == after) + 1
        size = min(int(query.get("limit", ["20"])[0]), self.size)
        page = found[start : start + size]
        kept = {k: v[0] for k, v in query.items() if k != "after"}
        links = [f'<{self.base_url}api/v1/apps?{urlencode(kept)}>; rel="self"']
        if start + size < len(found):
            cursor = urlencode({**kept, "after": page[-1]["id"]})
            links.append(f'<{self.base_url}api/v1/apps?{cursor}>; rel="next"')
        return Reply(body=page, headers={"Link": ", ".join(links)})
