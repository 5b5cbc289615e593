"""The declaration prompt as Slack messages: sent by DM, one per integration with identities
waiting for a lane, and updated in place after each answer or page turn."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient

from bot.authorization import Actor
from bot.flows import prompt
from bot.runtime import Runtime
from bot.text import plural
from handlers.blocks.prompt import (
    identity_ids,
    nothing_to_declare_text,
    parse_page_value,
    prompt_blocks,
    prompt_text,
)
from handlers.events.home import publish_home
from handlers.ids import Action

logger = logging.getLogger(__name__)


def send_review_prompt(
    client: WebClient, runtime: Runtime, *, user_id: str, integration: str | None = None
) -> None:
    """DM the user the first page of their queue for one integration, or for each they own."""
    actor = Actor.slack_user(user_id, runtime.settings.admins)
    pages = prompt.first_pages(runtime, actor=actor, integration=integration)
    channel = client.conversations_open(users=user_id)["channel"]["id"]
    if not pages:
        client.chat_postMessage(channel=channel, text=nothing_to_declare_text(integration))
        return
    for page in pages:
        client.chat_postMessage(channel=channel, text=prompt_text(page), blocks=prompt_blocks(page))
    logger.info("sent %s to %s", plural(len(pages), "declaration prompt"), user_id)


def message_place(body: dict[str, Any]) -> dict[str, Any]:
    """Where the prompt message lives, and which integration and identities it shows."""
    message = body.get("message") or {}
    blocks = message.get("blocks") or []
    return {
        "channel": (body.get("container") or {}).get("channel_id")
        or (body.get("channel") or {}).get("id"),
        "ts": (body.get("container") or {}).get("message_ts") or message.get("ts"),
        "ids": identity_ids(blocks),
        "integration": prompt_integration(blocks),
    }


def prompt_integration(blocks: list[dict[str, Any]]) -> str | None:
    for block in blocks:
        for element in block.get("elements", []):
            if element.get("action_id") == Action.PAGE_START:
                return parse_page_value(str(element["value"]))[0]
    return None


def refresh_prompt(
    client: WebClient, runtime: Runtime, *, place: dict[str, Any], user_id: str
) -> None:
    """Show what was recorded, and by whom, in the prompt message itself; then the Home tab."""
    if place.get("channel") and place.get("ts") and place.get("integration"):
        page = prompt.page_as_now(
            runtime, integration=place["integration"], identity_ids=place["ids"]
        )
        client.chat_update(
            channel=place["channel"],
            ts=place["ts"],
            text=prompt_text(page),
            blocks=prompt_blocks(page),
        )
    publish_home(client, runtime, user_id=user_id)


def show_page(
    client: WebClient, runtime: Runtime, *, place: dict[str, Any], user_id: str, after: int
) -> None:
    """Turn the prompt message to the page after the identity id `after`."""
    actor = Actor.slack_user(user_id, runtime.settings.admins)
    page = prompt.page_after(runtime, actor=actor, integration=place["integration"], after_id=after)
    client.chat_update(
        channel=place["channel"], ts=place["ts"], text=prompt_text(page), blocks=prompt_blocks(page)
    )
