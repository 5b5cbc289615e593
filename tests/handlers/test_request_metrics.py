"""Slack requests counted at the HTTP edge, through the real bolt app and signed requests: each
by its kind and outcome (a domain error is `rejected`, a payload of the wrong shape `malformed`,
a re-delivery `retry`), with its acknowledgement time; the lazy part of a request runs in its
context, so its log lines carry its kind."""

from __future__ import annotations

from bot.request_scope import current, request_scope
from bot.runtime import Runtime
from tests.conftest import OWNER
from tests.handlers.conftest import Slack
from tests.support.slack_requests import block_action_body, command_body


def _requests(runtime: Runtime, kind: str, outcome: str) -> float:
    labels = {"kind": kind, "outcome": outcome}
    return runtime.metrics.registry.get_sample_value("boundary_slack_requests_total", labels) or 0


def _command(text: str) -> str:
    return command_body(text, user_id=OWNER, response_url="http://x/")


def test_a_domain_error_answered_to_the_user_is_counted_rejected(
    slack: Slack, slack_runtime: Runtime
) -> None:
    answer = slack.post(_command("owner no-such-thing <@U0STRANGE|someone>"))

    assert "No integration is called" in answer.json()["text"]
    assert _requests(slack_runtime, "command", "rejected") == 1
    assert _requests(slack_runtime, "command", "ok") == 0


def test_a_signed_payload_of_the_wrong_shape_is_counted_malformed(
    slack: Slack, slack_runtime: Runtime
) -> None:
    body = block_action_body(user_id=OWNER, action={"action_id": "never-offered", "type": "button"})

    assert slack.post(body).status_code == 200
    assert _requests(slack_runtime, "action", "malformed") == 1


def test_a_retried_delivery_is_counted_retry_with_its_acknowledgement_time(
    slack: Slack, slack_runtime: Runtime
) -> None:
    slack.post(_command("help"), **{"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "timeout"})

    registry = slack_runtime.metrics.registry
    assert _requests(slack_runtime, "command", "retry") == 1
    assert registry.get_sample_value("boundary_slack_ack_seconds_count", {"kind": "command"}) == 1


def test_lazy_listeners_run_in_the_context_of_their_request(slack: Slack) -> None:
    executor = slack.app.listener_runner.lazy_listener_runner.executor

    with request_scope() as scope:
        scope.kind = "command"
        seen = executor.submit(current).result(timeout=5)

    assert seen is scope
