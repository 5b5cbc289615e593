"""Slack's check of a new events URL (a signed `url_verification` request, sent once when the
app is pointed at a host: docs/deployment.md) gets its challenge back through the real ASGI app;
an unsigned one gets 401 like any request."""

from __future__ import annotations

import json

from tests.handlers.conftest import Slack
from tests.support.slack_requests import signed_headers

CHALLENGE = "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
BODY = json.dumps({"token": "legacy", "challenge": CHALLENGE, "type": "url_verification"})


def test_a_signed_url_verification_gets_its_challenge_back(slack: Slack) -> None:
    answer = slack.post(BODY, json_body=True)

    assert answer.status_code == 200
    assert answer.json() == {"challenge": CHALLENGE}


def test_an_unsigned_url_verification_gets_401(slack: Slack) -> None:
    headers = signed_headers(BODY, secret="not-the-secret", content_type="application/json")

    answer = slack.http.post("/slack/events", content=BODY, headers=headers)

    assert answer.status_code == 401
