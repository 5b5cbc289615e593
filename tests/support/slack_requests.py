"""Requests exactly as Slack sends them: form-encoded or JSON bodies with the headers Slack
adds, signed with the tests' signing secret, and posted to the bot's /slack/events."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import secrets
import time
from typing import Any
from urllib.parse import urlencode

import httpx

from bot.playground.standin import APP_ID, TEAM_ID, Message
from handlers.ids import Action

SIGNING_SECRET = "test-signing-secret"
FORM = "application/x-www-form-urlencoded"
_triggers = itertools.count(13345224609)


def new_trigger_id() -> str:
    """A fresh trigger_id, as Slack gives every command, click and submission its own (the bot
    acts once per trigger_id, so a test that repeats one is testing a replay)."""
    return f"{next(_triggers)}.738474920.{secrets.token_hex(16)}"


def sign(body: str | bytes, timestamp: str, *, secret: str = SIGNING_SECRET) -> str:
    """Slack's `X-Slack-Signature`: HMAC-SHA256 of `v0:<timestamp>:<body>` over the raw bytes,
    computed here as Slack documents it rather than by the library the bot verifies with."""
    raw = body.encode() if isinstance(body, str) else body
    base = b"v0:" + timestamp.encode() + b":" + raw
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def signed_headers(
    body: str | bytes,
    *,
    secret: str = SIGNING_SECRET,
    timestamp: int | None = None,
    content_type: str = FORM,
) -> dict[str, str]:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": sign(body, stamp, secret=secret),
    }


def post_signed(
    http: httpx.Client, body: str, *, content_type: str = FORM, **headers: str
) -> httpx.Response:
    """POST `body` to /slack/events signed as Slack signs it; `headers` add to Slack's own."""
    sent = {**signed_headers(body, content_type=content_type), **headers}
    return http.post("/slack/events", content=body, headers=sent)


def command_body(
    text: str,
    *,
    user_id: str,
    response_url: str,
    channel_id: str = "C0GENERAL",
    trigger_id: str | None = None,
) -> str:
    return urlencode(
        {
            "token": "legacy-verification-token",
            "team_id": TEAM_ID,
            "team_domain": "boundary-standin",
            "channel_id": channel_id,
            "channel_name": "general",
            "user_id": user_id,
            "user_name": user_id.lower(),
            "command": "/boundary",
            "text": text,
            "api_app_id": APP_ID,
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": trigger_id or new_trigger_id(),
        }
    )


def _payload(payload: dict[str, Any]) -> str:
    return urlencode({"payload": json.dumps(payload)})


def block_action_body(
    *,
    user_id: str,
    action: dict[str, Any],
    message: dict[str, Any] | None = None,
    channel_id: str | None = None,
    response_url: str | None = None,
    view: dict[str, Any] | None = None,
) -> str:
    payload: dict[str, Any] = {
        "type": "block_actions",
        "team": {"id": TEAM_ID, "domain": "boundary-standin"},
        "user": {"id": user_id, "username": user_id.lower(), "team_id": TEAM_ID},
        "api_app_id": APP_ID,
        "token": "legacy-verification-token",
        "trigger_id": new_trigger_id(),
        "actions": [{"action_ts": str(time.time()), **action}],
    }
    if message is not None:
        payload["container"] = {
            "type": "message",
            "message_ts": message["ts"],
            "channel_id": channel_id,
            "is_ephemeral": False,
        }
        payload["channel"] = {"id": channel_id, "name": "directmessage"}
        payload["message"] = message
        payload["response_url"] = response_url
    if view is not None:
        payload["container"] = {"type": "view", "view_id": view.get("id", "VHOME")}
        payload["view"] = view
    return _payload(payload)


def lane_choice_body(
    *,
    user_id: str,
    identity_id: int | str,
    answer: str,
    message: Message | None = None,
    response_url: str | None = None,
) -> str:
    """A `block_actions` body for choosing a lane in the declaration prompt's select."""
    return block_action_body(
        user_id=user_id,
        action={
            "action_id": Action.DECLARE,
            "block_id": f"identity-actions:{identity_id}",
            "type": "static_select",
            "selected_option": {"value": f"{identity_id}:{answer}"},
        },
        message=None
        if message is None
        else {"type": "message", "ts": message.ts, "text": message.text, "blocks": message.blocks},
        channel_id=None if message is None else message.channel,
        response_url=response_url,
    )


def view_submission_body(
    *, user_id: str, view: dict[str, Any], values: dict[str, dict[str, Any]]
) -> str:
    submitted = {**view, "state": {"values": values}, "id": view.get("id", "V0MODAL")}
    return _payload(
        {
            "type": "view_submission",
            "team": {"id": TEAM_ID, "domain": "boundary-standin"},
            "user": {"id": user_id, "username": user_id.lower(), "team_id": TEAM_ID},
            "api_app_id": APP_ID,
            "token": "legacy-verification-token",
            "trigger_id": new_trigger_id(),
            "view": submitted,
        }
    )


def event_body(event: dict[str, Any], *, event_id: str = "Ev0HOME1") -> str:
    return json.dumps(
        {
            "token": "legacy-verification-token",
            "team_id": TEAM_ID,
            "api_app_id": APP_ID,
            "event": event,
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "authorizations": [{"team_id": TEAM_ID, "user_id": "U0BOTUSER", "is_bot": True}],
        }
    )


def selected(option_value: str) -> dict[str, Any]:
    return {"value": {"type": "static_select", "selected_option": {"value": option_value}}}


def typed(text: str | None) -> dict[str, Any]:
    return {"value": {"type": "plain_text_input", "value": text}}


def user_picked(user_id: str) -> dict[str, Any]:
    return {"value": {"type": "users_select", "selected_user": user_id}}
