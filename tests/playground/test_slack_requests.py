"""The playground's requests are what Slack sends: Bolt itself verifies and routes them."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs

import pytest
from slack_bolt import App, BoltRequest
from slack_sdk import WebClient

from bot.playground import slack_requests as slack
from bot.playground.standin import SlackStandIn
from tests.conftest import BOT_TOKEN

SECRET = "playground-test-signing-secret"


@pytest.fixture
def bolt(standin: SlackStandIn) -> tuple[App, list[dict[str, Any]]]:
    """A real Bolt app (on the stand-in) that records the body of whatever it handled."""
    seen: list[dict[str, Any]] = []
    app = App(
        signing_secret=SECRET,
        client=WebClient(token=BOT_TOKEN, base_url=standin.api_url),
        process_before_response=True,
    )

    @app.command("/boundary")
    def command(ack: Any, body: dict[str, Any]) -> None:
        seen.append(body)
        ack()

    @app.action("declare.choose")
    def action(ack: Any, body: dict[str, Any]) -> None:
        seen.append(body)
        ack()

    @app.view("register.submit")
    def submit(ack: Any, body: dict[str, Any]) -> None:
        seen.append(body)
        ack()

    @app.event("app_home_opened")
    def home(body: dict[str, Any]) -> None:
        seen.append(body)

    return app, seen


def _dispatch(app: App, body: str, content_type: str, secret: str = SECRET) -> int:
    headers = slack.signed_headers(secret, body, content_type=content_type)
    request = BoltRequest(body=body, headers={k: [v] for k, v in headers.items()})
    return int(app.dispatch(request).status)


def _command_body(text: str = "who acme-tenant") -> str:
    return slack.slash_command_body(
        command="/boundary",
        text=text,
        user_id="U0PGOWNER",
        user_name="omar",
        channel_id="C0PLAYGRND",
        channel_name="boundary",
        response_url="http://127.0.0.1:1/response/x",
        trigger_id=slack.new_trigger_id(),
    )


def test_signed_slash_command_reaches_the_command_listener(
    bolt: tuple[App, list[dict[str, Any]]],
) -> None:
    app, seen = bolt

    status = _dispatch(app, _command_body(), "application/x-www-form-urlencoded")

    assert status == 200
    assert [(b["command"], b["text"], b["user_id"]) for b in seen] == [
        ("/boundary", "who acme-tenant", "U0PGOWNER")
    ]


def test_request_signed_with_another_secret_is_refused(
    bolt: tuple[App, list[dict[str, Any]]],
) -> None:
    app, seen = bolt

    status = _dispatch(app, _command_body(), "application/x-www-form-urlencoded", "not-it")

    assert status == 401
    assert seen == []


def test_block_actions_payload_carries_action_message_and_response_url(
    bolt: tuple[App, list[dict[str, Any]]],
) -> None:
    app, seen = bolt
    option = {"text": {"type": "plain_text", "text": "customer"}, "value": "7:customer"}
    payload = slack.block_actions_payload(
        user_id="U0PGOWNER",
        user_name="omar",
        action={
            "type": "static_select",
            "action_id": "declare.choose",
            "block_id": "identity-actions:7",
            "selected_option": option,
        },
        container={"type": "message", "message_ts": "1.000001", "channel_id": "DU0PGOWNER"},
        trigger_id=slack.new_trigger_id(),
        state_values={},
        channel={"id": "DU0PGOWNER", "name": "directmessage"},
        message={"type": "message", "ts": "1.000001", "text": "prompt", "blocks": []},
        response_url="http://127.0.0.1:1/response/y",
    )

    body = slack.interactivity_body(payload)
    status = _dispatch(app, body, "application/x-www-form-urlencoded")

    assert status == 200
    assert list(parse_qs(body)) == ["payload"]
    (handled,) = seen
    assert handled["actions"][0]["selected_option"] == option
    assert handled["message"]["ts"] == "1.000001"
    assert handled["response_url"] == "http://127.0.0.1:1/response/y"


def test_view_submission_carries_the_inputs_as_state_values(
    bolt: tuple[App, list[dict[str, Any]]],
) -> None:
    app, seen = bolt
    values = {"name": {"value": {"type": "plain_text_input", "value": "crm-tenant"}}}
    view = {"id": "V1", "type": "modal", "callback_id": "register.submit", "blocks": []}
    payload = slack.view_payload(
        "view_submission",
        user_id="U0PGOWNER",
        user_name="omar",
        view=view,
        state_values=values,
        trigger_id=slack.new_trigger_id(),
    )

    status = _dispatch(app, slack.interactivity_body(payload), "application/x-www-form-urlencoded")

    assert status == 200
    assert seen[0]["view"]["state"]["values"] == values


def test_app_home_opened_is_an_event_callback(bolt: tuple[App, list[dict[str, Any]]]) -> None:
    app, seen = bolt
    body = slack.app_home_opened_body(user_id="U0PGOWNER", channel_id="DU0PGOWNER", view=None)

    status = _dispatch(app, body, "application/json")

    assert status == 200
    assert json.loads(body)["event"]["tab"] == "home"
    assert seen[0]["event"]["user"] == "U0PGOWNER"


def test_command_text_is_escaped_like_slack_escapes_it() -> None:
    escaped = slack.escape_like_slack(
        "register crm application @omar #boundary dev@acme.com <b> & @nobody",
        users={"omar": "U0PGOWNER"},
        channels={"boundary": "C0PLAYGRND"},
    )

    assert escaped == (
        "register crm application <@U0PGOWNER|omar> <#C0PLAYGRND|boundary>"
        " <mailto:dev@acme.com|dev@acme.com> &lt;b&gt; &amp; @nobody"
    )
