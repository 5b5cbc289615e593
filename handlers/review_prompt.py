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
from handlers.payloads import Malformed, mapping, mappings

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
    message = mapping(body.get("message"))
    container = mapping(body.get("container"))
    blocks = mappings(message.get("blocks"))
    return place_of(
        {
            "channel": container.get("channel_id") or mapping(body.get("channel")).get("id"),
            "ts": container.get("message_ts") or message.get("ts"),
            "ids": identity_ids(blocks),
            "integration": prompt_integration(blocks),
        }
    )


def place_of(value: Any) -> dict[str, Any]:
    """A place as the listeners use it, from a payload or from a modal's private_metadata:
    text where text belongs and identity ids as integers, whatever the payload held."""
    found = mapping(value)

    def text(key: str) -> str | None:
        item = found.get(key)
        return item if isinstance(item, str) and item else None

    ids = found.get("ids")
    return {
        "channel": text("channel"),
        "ts": text("ts"),
        "ids": [i for i in ids if type(i) is int] if isinstance(ids, list) else [],
        "integration": text("integration"),
    }


def check_shown(place: dict[str, Any], identity_id: int) -> None:
    """A control names an identity of the prompt message that carries it (and a note modal one
    of the message it was opened from): an id the message does not show, another
    integration's say, was not put there by us."""
    if place["ids"] and identity_id not in place["ids"]:
        raise Malformed("an identity the message does not show")


def prompt_integration(blocks: list[dict[str, Any]]) -> str | None:
    for block in blocks:
        for element in mappings(block.get("elements")):
            if element.get("action_id") == Action.PAGE_START:
                try:
                    return parse_page_value(str(element.get("value")))[0]
                except ValueError:
                    return None
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
