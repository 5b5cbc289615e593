"""manifest.yml is valid for Slack, and it and the code name the same commands and callbacks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from slack_bolt import App, BoltRequest, BoltResponse
from slack_sdk import WebClient

from bot.app import create_app
from bot.runtime import Runtime
from bot.settings import Settings
from handlers.ids import Action, Command, Event, View

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT.parent / "shared" / "slack" / "manifest.schema.1.0.0.json"
# Scopes we need, and nothing else (the README gives each one's reason).
LEAST_PRIVILEGE = {
    "commands",
    "chat:write",
    "im:write",
    "users:read",
    "users:read.email",
    "files:write",
}


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "manifest.yml").read_text(encoding="utf-8"))
    return loaded


@pytest.fixture(scope="module")
def app() -> App:
    # No request is sent and no database is touched: building the app needs neither.
    runtime = Runtime.build(Settings(_env_file=None, DATABASE_URL="sqlite://"))  # type: ignore[call-arg]
    return create_app(runtime, client=WebClient(token="xoxb-unused"))


def _handled(app: App, body: dict[str, Any]) -> bool:
    request = BoltRequest(body=body, mode="socket_mode")
    response = BoltResponse(status=404)
    return any(listener.matches(req=request, resp=response) for listener in app._listeners)


def test_manifest_is_valid_against_slacks_schema(manifest: dict[str, Any]) -> None:
    if not SCHEMA.exists():
        pytest.skip(f"{SCHEMA} is not on this machine")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))

    jsonschema.validate(manifest, schema)


def test_manifest_names_exactly_the_commands_in_code(manifest: dict[str, Any]) -> None:
    commands = {c["command"] for c in manifest["features"]["slash_commands"]}

    assert commands == {str(c) for c in Command}


def test_manifest_subscribes_exactly_the_events_in_code(manifest: dict[str, Any]) -> None:
    assert set(manifest["settings"]["event_subscriptions"]["bot_events"]) == {str(e) for e in Event}


def test_manifest_asks_only_for_the_scopes_we_use(manifest: dict[str, Any]) -> None:
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == LEAST_PRIVILEGE


def test_socket_mode_is_on_and_every_request_url_is_the_events_path(
    manifest: dict[str, Any],
) -> None:
    settings = manifest["settings"]
    urls = [
        settings["event_subscriptions"]["request_url"],
        settings["interactivity"]["request_url"],
        *(c["url"] for c in manifest["features"]["slash_commands"]),
    ]

    assert settings["socket_mode_enabled"] is True
    assert settings["interactivity"]["is_enabled"] is True
    assert all(url.endswith("/slack/events") for url in urls)


@pytest.mark.parametrize("command", list(Command))
def test_every_command_has_a_listener(app: App, command: Command) -> None:
    assert _handled(app, {"command": str(command), "text": "", "user_id": "U0OWNER01"})


@pytest.mark.parametrize("action", list(Action))
def test_every_action_id_has_a_listener(app: App, action: Action) -> None:
    body = {
        "type": "block_actions",
        "user": {"id": "U0OWNER01"},
        "actions": [{"action_id": str(action), "block_id": "b", "type": "button"}],
    }

    assert _handled(app, body)


@pytest.mark.parametrize("view", list(View))
def test_every_view_callback_has_a_listener(app: App, view: View) -> None:
    body = {
        "type": "view_submission",
        "user": {"id": "U0OWNER01"},
        "view": {"type": "modal", "callback_id": str(view)},
    }

    assert _handled(app, body)


@pytest.mark.parametrize("event", list(Event))
def test_every_event_has_a_listener(app: App, event: Event) -> None:
    body = {"type": "event_callback", "event": {"type": str(event), "user": "U0OWNER01"}}

    assert _handled(app, body)
