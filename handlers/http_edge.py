"""Slack's HTTP edge, before bolt sees a request: the body read whole within a size cap and a
time limit, the timestamp well formed, the signature checked over the raw bytes, and a form body
parsed the way Slack sends it.

bolt's own form parser (slack_bolt.request.internals.parse_body, up to at least 1.27) looks for
the substring "payload" anywhere in a form body and, when the body has no `payload` field,
drops the whole body: `/boundary who payload-api`, or a command from a user named "payload",
reached no listener (404). SlackHttpRequest parses such bodies itself; tests/handlers/
test_http_edge.py fails the day bolt's parser changes, and then this workaround can go.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import re
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

from slack_bolt import BoltContext, BoltRequest
from slack_bolt.request.internals import build_context
from starlette.requests import ClientDisconnect, Request

from bot.metrics import RequestKind

# Slack's own payloads are far smaller (a view submission is tens of kilobytes).
MAX_BODY_BYTES = 1024 * 1024
# A body that has not arrived whole by then is dropped (a slow-loris client).
BODY_SECONDS = 10.0
# Slack's replay window: a request signed longer ago than this is refused.
WINDOW_SECONDS = 5 * 60
# Seconds since the epoch, as Slack sends them: digits only (`1e9`, `abc` or empty are refused
# here; slack-sdk's verifier would raise on them).
_TIMESTAMP = re.compile(r"[0-9]{1,12}")


class Refused(Exception):
    """A request turned away at the edge: an HTTP status and a short reason (never the body)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


async def read_body(request: Request) -> bytes:
    """The whole body, refused with 413 past MAX_BODY_BYTES (before it is read whole when the
    client says its length) and with 408 when it takes longer than BODY_SECONDS to arrive."""
    limit, seconds = MAX_BODY_BYTES, BODY_SECONDS
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        raise Refused(413 if declared.isdigit() else 400, "body too large or bad Content-Length")
    chunks: list[bytes] = []
    size = 0

    async def collect() -> None:
        nonlocal size
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise Refused(413, "body too large")
            chunks.append(chunk)

    try:
        # A deadline on this task, not a new task per request as wait_for would start.
        async with asyncio.timeout(seconds):
            await collect()
    except TimeoutError:
        raise Refused(408, "body not received in time") from None
    except ClientDisconnect:
        raise Refused(400, "client disconnected") from None
    return b"".join(chunks)


def check_signature(body: bytes, headers: Mapping[str, str], secret: str) -> None:
    """Slack's signature over the exact bytes received, within Slack's five-minute window."""
    timestamp = headers.get("x-slack-request-timestamp", "")
    signature = headers.get("x-slack-signature", "")
    if not _TIMESTAMP.fullmatch(timestamp):
        raise Refused(401, "missing or malformed X-Slack-Request-Timestamp")
    if abs(time.time() - int(timestamp)) > WINDOW_SECONDS:
        raise Refused(401, "stale timestamp")
    # Over the bytes as received: slack-sdk's verifier decodes them first (and fails on
    # non-UTF-8), so two bodies that decode alike could share a signature.
    expected = (
        "v0="
        + hmac.new(
            secret.encode(), b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256
        ).hexdigest()
    )
    if not hmac.compare_digest(expected, signature):
        raise Refused(401, "bad signature")


def bolt_request(body: bytes, *, query: str, headers: Mapping[str, str]) -> BoltRequest:
    """The request for bolt, or Refused (400) for a body that is not UTF-8 or does not parse."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(400, "body is not UTF-8") from None
    content_type = headers.get("content-type", "").split(";")[0].strip() or None
    try:
        form = _parsed(text, content_type)
    except ValueError:  # json.JSONDecodeError included
        raise Refused(400, "body does not parse") from None
    try:
        request = SlackHttpRequest(
            body=text,
            query=query,
            headers={key: [value] for key, value in headers.items()},
            form=form,
        )
        _check_what_bolt_reads_first(request.body)
    except (AttributeError, TypeError, KeyError):
        # bolt reads team, user, channel and the like while building the request; a field of
        # the wrong JSON type (`"user": 5`) fails there, before any middleware could refuse it.
        raise Refused(400, "body has fields of the wrong type") from None
    return request


def _check_what_bolt_reads_first(body: Mapping[str, Any]) -> None:
    """Raise TypeError for the parts bolt's built-in middleware reads before ours
    (handlers/payloads.py) can look: `type`, and `event` with its own `type`. bolt reads them
    as `body.get("event", {}).get("type")`, so `"event": null` or a list fails inside bolt, and
    its error handler then fails too."""
    if not isinstance(body.get("type", ""), str):
        raise TypeError("type")
    if "event" in body and not isinstance(body["event"], dict):
        raise TypeError("event")
    if not isinstance(body.get("event", {}).get("type", ""), str):
        raise TypeError("event.type")


_KINDS = {
    "block_actions": RequestKind.ACTION,
    "interactive_message": RequestKind.ACTION,
    "block_suggestion": RequestKind.ACTION,
    "view_submission": RequestKind.VIEW,
    "view_closed": RequestKind.VIEW,
    "event_callback": RequestKind.EVENT,
    "url_verification": RequestKind.EVENT,
}


def request_kind(body: Mapping[str, Any]) -> RequestKind:
    """What a parsed (and signed) request is, for metrics and log lines."""
    if "command" in body:
        return RequestKind.COMMAND
    return _KINDS.get(str(body.get("type")), RequestKind.OTHER)


def _parsed(raw: str, content_type: str | None) -> dict[str, Any] | None:
    """The form body (see `_form_body`), parsed once for the check and for the request; raise
    ValueError unless the body is a JSON object or a form (with an object payload), so that
    bolt never meets a body it would fail on."""
    if not raw:
        return None
    form = _form_body(raw, content_type)
    if form is None and not isinstance(json.loads(raw), dict):
        raise ValueError("the body is not a JSON object")
    return form


def _form_body(raw: str, content_type: str | None) -> dict[str, Any] | None:
    """A form body as Slack means it: its `payload` field's JSON when it has one (interactivity),
    else its fields (slash commands); None for a JSON body, which bolt parses correctly."""
    if content_type == "application/json" or raw.startswith("{"):
        return None
    fields = dict(parse_qsl(raw, keep_blank_values=True))
    if "payload" not in fields:
        return fields
    payload = json.loads(fields["payload"])
    if not isinstance(payload, dict):
        raise ValueError("payload is not a JSON object")
    return payload


class SlackHttpRequest(BoltRequest):
    """bolt's request with Slack's form bodies parsed correctly (see the module docstring)."""

    def __init__(
        self,
        *,
        body: str,
        query: Any = None,
        headers: Any = None,
        context: dict[str, Any] | None = None,
        form: dict[str, Any] | None = None,
    ) -> None:
        """`form`: the body as `_form_body` parsed it, when the caller already has it."""
        super().__init__(body=body, query=query, headers=headers, context=context, mode="http")
        if form is None:
            form = _form_body(self.raw_body, self.content_type)
        if form is not None and form != self.body:
            self.body = form
            self.context = build_context(BoltContext(context or {}), form)

    def to_copyable(self) -> BoltRequest:
        # Lazy listeners run on a copy: it must be parsed the same way.
        return SlackHttpRequest(
            body=self.raw_body,
            query=self.query,
            headers=self.headers,
            context=self.context.to_copyable(),
        )
