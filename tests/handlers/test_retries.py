"""Retried deliveries are acknowledged and ignored; first deliveries are handled, including
Socket Mode's, whose envelopes always carry `retry_attempt` (0 the first time)."""

from __future__ import annotations

import json

from slack_bolt.adapter.socket_mode.internals import run_bolt_app
from slack_sdk.socket_mode.request import SocketModeRequest

from bot.playground.standin import SlackStandIn
from tests.conftest import OWNER
from tests.handlers.conftest import Slack
from tests.support.slack_requests import event_body

HOME_OPENED = {"type": "app_home_opened", "user": OWNER, "channel": "D0OWNER01", "tab": "home"}


def _envelope(retry_attempt: int) -> SocketModeRequest:
    return SocketModeRequest(
        type="events_api",
        envelope_id="0f6e3ac4-envelope",
        payload=json.loads(event_body(HOME_OPENED)),
        accepts_response_payload=False,
        retry_attempt=retry_attempt,
        retry_reason="" if retry_attempt == 0 else "timeout",
    )


def test_a_socket_mode_first_delivery_with_retry_attempt_0_publishes_the_home_tab(
    slack: Slack, standin: SlackStandIn
) -> None:
    answer = run_bolt_app(slack.app, _envelope(retry_attempt=0))
    slack.settle()

    assert answer.status == 200
    assert [call.params["user_id"] for call in standin.calls("views.publish")] == [OWNER]


def test_a_socket_mode_redelivery_is_acknowledged_and_ignored(
    slack: Slack, standin: SlackStandIn
) -> None:
    answer = run_bolt_app(slack.app, _envelope(retry_attempt=2))
    slack.settle()

    assert (answer.status, answer.body) == (200, "")
    assert standin.calls("views.publish") == []


def test_an_http_redelivery_is_acknowledged_and_ignored(
    slack: Slack, standin: SlackStandIn
) -> None:
    answer = slack.post(
        event_body(HOME_OPENED),
        json_body=True,
        **{"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"},
    )
    slack.settle()

    assert answer.status_code == 200
    assert standin.calls("views.publish") == []
