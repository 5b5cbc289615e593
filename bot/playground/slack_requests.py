"""Request bodies exactly as Slack sends them (slash commands, interactivity, events), signed."""

from __future__ import annotations

import itertools
import json
import re
import secrets
import time
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

from bot.playground.standin import APP_ID, BOT_USER_ID, TEAM_ID

TEAM_DOMAIN = "boundary-playground"
# Slack still sends the deprecated verification token; Bolt ignores it when it verifies signatures.
VERIFICATION_TOKEN = "playground-verification-token"  # noqa: S105 (not a secret)

_trigger_numbers = itertools.count(1)


def slack_time() -> float:
    """Slack's own clock, which the playground plays: bolt checks a request's signature against
    the real time (a five-minute window), so signatures, trigger ids and event timestamps use it,
    whatever the playground's manual clock says."""
    return time.time()


def new_trigger_id() -> str:
    """A trigger id in Slack's shape; views.open needs one from the interaction it answers."""
    return f"{next(_trigger_numbers)}.{int(slack_time())}.{secrets.token_hex(16)}"


def signed_headers(signing_secret: str, body: str, *, content_type: str) -> dict[str, str]:
    timestamp = str(int(slack_time()))
    verifier = SignatureVerifier(signing_secret)
    signature = verifier.generate_signature(timestamp=timestamp, body=body)
    assert signature is not None  # None only when timestamp or body is None
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": signature,
    }


def _user(user_id: str, name: str) -> dict[str, Any]:
    return {"id": user_id, "username": name, "name": name, "team_id": TEAM_ID}


def _team() -> dict[str, Any]:
    return {"id": TEAM_ID, "domain": TEAM_DOMAIN}


_WORD = re.compile(
    r"(?P<user>@[A-Za-z0-9._-]+)|(?P<channel>#[a-z0-9_-]+)"
    r"|(?P<url>https?://[^\s<>]+)|(?P<email>[\w.+-]+@[\w-]+(?:\.[\w-]+)+)"
)


def escape_like_slack(text: str, *, users: dict[str, str], channels: dict[str, str]) -> str:
    """What Slack sends for a command whose manifest sets `should_escape`: `&<>` escaped,
    `@handle` and `#channel` as `<@U…|handle>` and `<#C…|name>`, emails and URLs as links.

    `users` and `channels` map handles and names to ids.
    """

    def replace(match: re.Match[str]) -> str:
        word = match.group(0)
        if match.group("user"):
            handle = word[1:].lower()
            user_id = users.get(handle) or (word[1:] if word[1:] in users.values() else None)
            return f"<@{user_id}|{handle}>" if user_id else _html(word)
        if match.group("channel"):
            channel_id = channels.get(word[1:])
            return f"<#{channel_id}|{word[1:]}>" if channel_id else _html(word)
        if match.group("url"):
            return f"<{_html(word)}>"
        return f"<mailto:{_html(word)}|{_html(word)}>"

    parts, position = [], 0
    for match in _WORD.finditer(text):
        parts.append(_html(text[position : match.start()]))
        parts.append(replace(match))
        position = match.end()
    parts.append(_html(text[position:]))
    return "".join(parts)


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slash_command_body(
    *,
    command: str,
    text: str,
    user_id: str,
    user_name: str,
    channel_id: str,
    channel_name: str,
    response_url: str,
    trigger_id: str,
) -> str:
    """The form-encoded body of a slash command invocation."""
    return urlencode(
        {
            "token": VERIFICATION_TOKEN,
            "team_id": TEAM_ID,
            "team_domain": TEAM_DOMAIN,
            "channel_id": channel_id,
            "channel_name": channel_name,
            "user_id": user_id,
            "user_name": user_name,
            "command": command,
            "text": text,
            "api_app_id": APP_ID,
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": trigger_id,
        }
    )


def block_actions_payload(
    *,
    user_id: str,
    user_name: str,
    action: dict[str, Any],
    container: dict[str, Any],
    trigger_id: str,
    state_values: dict[str, Any],
    channel: dict[str, Any] | None = None,
    message: dict[str, Any] | None = None,
    view: dict[str, Any] | None = None,
    response_url: str | None = None,
) -> dict[str, Any]:
    """A `block_actions` payload; message surfaces carry `message`, views carry `view`."""
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": _user(user_id, user_name),
        "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN,
        "container": container,
        "trigger_id": trigger_id,
        "team": _team(),
        "enterprise": None,
        "is_enterprise_install": False,
        "actions": [{**action, "action_ts": f"{slack_time():.6f}"}],
    }
    if channel is not None:
        payload["channel"] = channel
    if message is not None:
        payload["message"] = message
    if view is not None:
        payload["view"] = {**view, "state": {"values": state_values}}
    else:
        payload["state"] = {"values": state_values}
    if response_url is not None:
        payload["response_url"] = response_url
    return payload


def view_payload(
    kind: str,
    *,
    user_id: str,
    user_name: str,
    view: dict[str, Any],
    state_values: dict[str, Any],
    trigger_id: str,
) -> dict[str, Any]:
    """A `view_submission` or `view_closed` payload for a modal the bot opened."""
    payload: dict[str, Any] = {
        "type": kind,
        "team": _team(),
        "user": _user(user_id, user_name),
        "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN,
        "view": {**view, "state": {"values": state_values}},
        "enterprise": None,
        "is_enterprise_install": False,
    }
    if kind == "view_submission":
        payload["trigger_id"] = trigger_id
        payload["response_urls"] = []
    else:
        payload["is_cleared"] = False
    return payload


def interactivity_body(payload: dict[str, Any]) -> str:
    """Slack posts interactivity as a form with one field, `payload`, holding JSON."""
    return urlencode({"payload": json.dumps(payload, separators=(",", ":"))})


def app_home_opened_body(*, user_id: str, channel_id: str, view: dict[str, Any] | None) -> str:
    """The Events API envelope of `app_home_opened`, as JSON."""
    now = slack_time()
    event: dict[str, Any] = {
        "type": "app_home_opened",
        "user": user_id,
        "channel": channel_id,
        "tab": "home",
        "event_ts": f"{now:.6f}",
    }
    if view is not None:
        event["view"] = view
    return json.dumps(
        {
            "token": VERIFICATION_TOKEN,
            "team_id": TEAM_ID,
            "api_app_id": APP_ID,
            "event": event,
            "type": "event_callback",
            "event_id": f"Ev{secrets.token_hex(8).upper()}",
            "event_time": int(now),
            "authorizations": [
                # The installation the event is delivered for: the bot's own.
                {"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True, "enterprise_id": None}
            ],
            "is_ext_shared_channel": False,
        }
    )
