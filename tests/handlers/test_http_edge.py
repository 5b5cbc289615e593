"""Slack's HTTP edge through the real ASGI app: a form body containing "payload" reaches its
listener, malformed bodies and timestamps get 4xx (never 500) and change nothing, an oversized
body is refused before it is read whole, a body that trickles in is dropped, the signature
covers the raw bytes, a refused body never reaches the log, and the edge (the one signature
check) needs a signing secret."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any
from urllib.parse import urlencode

import pytest
from slack_bolt.request.internals import parse_body
from sqlmodel import select

from bot.runtime import Runtime
from bot.server import EVENTS_PATH, asgi_for
from bot.settings import Settings
from handlers.http_edge import MAX_BODY_BYTES
from storage.models import Integration
from tests.conftest import OWNER
from tests.handlers.conftest import Slack
from tests.support.slack_requests import FORM, command_body, sign, signed_headers


def _ours(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """Log records of the bot and bolt (not of the test's own HTTP client)."""
    return [r for r in caplog.records if r.name.startswith(("bot", "handlers", "slack_"))]


def _integrations(runtime: Runtime) -> list[str]:
    with runtime.unit_of_work() as session:
        return [i.name for i in session.exec(select(Integration)).all()]


def test_bolts_parser_still_drops_form_bodies_that_mention_payload() -> None:
    """When this fails, bolt fixed its parser: drop SlackHttpRequest's workaround."""
    assert parse_body("command=%2Fboundary&text=who+payload-api", FORM) == {}


def test_a_command_that_mentions_payload_reaches_its_listener(
    slack: Slack, slack_runtime: Runtime
) -> None:
    body = command_body("register payload-api platform", user_id=OWNER, response_url="")

    answer = slack.post(body)

    assert answer.status_code == 200
    assert "payload-api" in answer.json()["text"]
    assert _integrations(slack_runtime) == ["payload-api"]


@pytest.mark.parametrize("body", ["{x", "payload={", "payload=%5B1%5D"])
def test_a_signed_body_that_does_not_parse_gets_400(slack: Slack, body: str) -> None:
    answer = slack.post(body)

    assert answer.status_code == 400


def test_a_signed_body_that_is_not_utf8_gets_400(slack: Slack) -> None:
    body = b"command=%2Fboundary&text=\xff\xfe"
    stamp = str(int(time.time()))
    signature = sign(body, stamp)
    headers = {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature}

    answer = slack.http.post(EVENTS_PATH, content=body, headers={"Content-Type": FORM, **headers})

    assert answer.status_code == 400


def test_the_signature_covers_the_raw_bytes_not_a_lossy_decode(slack: Slack) -> None:
    """Two different non-UTF-8 bodies decode to the same replacement text; one's signature must
    not pass for the other."""
    signed, other = b"text=\xff", b"text=\xfe"
    stamp = str(int(time.time()))
    signature = sign(signed, stamp)
    headers = {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature}

    answer = slack.http.post(EVENTS_PATH, content=other, headers={"Content-Type": FORM, **headers})

    assert answer.status_code == 401


@pytest.mark.parametrize("stamp", ["abc", "", "1e9", "-5", "12.5"])
def test_a_malformed_timestamp_gets_401(slack: Slack, slack_runtime: Runtime, stamp: str) -> None:
    body = command_body("register acme platform", user_id=OWNER, response_url="")
    headers = {**signed_headers(body), "X-Slack-Request-Timestamp": stamp}

    answer = slack.http.post(EVENTS_PATH, content=body, headers=headers)

    assert answer.status_code == 401
    assert _integrations(slack_runtime) == []


def test_an_unsigned_oversized_body_gets_413_and_never_reaches_the_log(
    slack: Slack, caplog: pytest.LogCaptureFixture
) -> None:
    marker = "SECRET-LOOKING-BODY-" * 10
    body = marker + "x" * (MAX_BODY_BYTES + 1)
    caplog.set_level(logging.DEBUG)

    answer = slack.http.post(EVENTS_PATH, content=body, headers={"Content-Type": FORM})

    assert answer.status_code == 413
    assert "SECRET-LOOKING-BODY" not in caplog.text
    assert len(_ours(caplog)) == 1


def test_an_unsigned_body_is_refused_in_one_line_without_the_body(
    slack: Slack, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)

    answer = slack.http.post(
        EVENTS_PATH, content="text=a-body-to-keep-out-of-logs", headers={"Content-Type": FORM}
    )

    assert answer.status_code == 401
    assert "a-body-to-keep-out-of-logs" not in caplog.text
    assert [r.levelname for r in _ours(caplog)] == ["WARNING"]


def test_a_body_that_trickles_in_past_the_limit_gets_408(
    slack_runtime: Runtime, slack: Slack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("handlers.http_edge.BODY_SECONDS", 0.2)
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        await asyncio.sleep(0.1)
        return {"type": "http.request", "body": b"t", "more_body": True}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "POST",
        "path": EVENTS_PATH,
        "raw_path": EVENTS_PATH.encode(),
        "query_string": b"",
        "headers": [(b"content-type", FORM.encode())],
        "scheme": "http",
        "server": ("127.0.0.1", 3000),
        "client": ("127.0.0.1", 5000),
    }

    asyncio.run(asgi_for(slack.app, slack_runtime)(scope, receive, send))

    assert sent[0]["status"] == 408


@pytest.mark.parametrize("field", ["user", "team", "channel", "authorizations"])
def test_a_signed_payload_with_a_field_of_the_wrong_type_gets_400(slack: Slack, field: str) -> None:
    payload = {"type": "block_actions", "actions": [], field: 5}

    answer = slack.post(urlencode({"payload": json.dumps(payload)}))

    assert answer.status_code == 400


def test_the_http_edge_cannot_be_built_without_a_signing_secret(slack: Slack) -> None:
    """The edge is the one signature check (bolt's own is off): no secret, no Slack over HTTP."""
    unsigned = Runtime.build(Settings(_env_file=None, DATABASE_URL="sqlite://"))  # type: ignore[call-arg]

    with pytest.raises(ValueError, match="SLACK_SIGNING_SECRET"):
        asgi_for(slack.app, unsigned)
