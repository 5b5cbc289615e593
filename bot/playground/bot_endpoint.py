"""The bot as Slack reaches it: signed requests to its real `/slack/events`, and its answers."""

from __future__ import annotations

import json
from typing import Any

import httpx

from bot.playground import slack_requests as slack

# Slack gives up on an app after three seconds; the playground is more patient, because the
# first request also warms the bot up, but still shows Slack's error when the bot fails.
BOT_TIMEOUT_SECONDS = 10.0


class BotEndpoint:
    """Posts signed requests to the bot's real `/slack/events`, as Slack does."""

    def __init__(self, events_url: str, signing_secret: str) -> None:
        self.events_url = events_url
        self._secret = signing_secret

    async def post(self, body: str, content_type: str) -> httpx.Response:
        headers = slack.signed_headers(self._secret, body, content_type=content_type)
        async with httpx.AsyncClient(timeout=BOT_TIMEOUT_SECONDS) as client:
            return await client.post(self.events_url, content=body.encode(), headers=headers)

    async def interact(self, payload: dict[str, Any]) -> httpx.Response:
        return await self.post(
            slack.interactivity_body(payload), "application/x-www-form-urlencoded"
        )


def json_body(response: httpx.Response) -> dict[str, Any]:
    """The bot's answer in a response body, as Slack reads it (plain text becomes `text`)."""
    if not response.content.strip():
        return {}
    try:
        loaded = json.loads(response.content)
    except ValueError:
        return {"text": response.text}
    return loaded if isinstance(loaded, dict) else {}
