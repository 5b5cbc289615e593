"""The campaign prompt as Slack messages: sent by DM, one per integration the reviewer reviews
in the campaign, and updated in place after each decision, sign-off or page turn."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient

from bot.authorization import Actor
from bot.flows import campaigns
from bot.runtime import Runtime
from bot.text import plural
from handlers.blocks.campaign_prompt import (
    campaign_prompt_blocks,
    campaign_prompt_text,
    nothing_to_review_text,
    parse_scope_value,
    positions,
)
from handlers.events.home import publish_home
from handlers.ids import Action
from handlers.payloads import Malformed, integration_name, mapping, mappings

logger = logging.getLogger(__name__)


def send_campaign_prompt(
    client: WebClient, runtime: Runtime, *, user_id: str, campaign: str, integration: str | None
) -> None:
    """DM the reviewer the first page of each integration they review in the campaign."""
    actor = Actor.slack_user(user_id, runtime.settings.admins)
    pages = campaigns.first_pages(runtime, actor=actor, campaign=campaign, integration=integration)
    channel = client.conversations_open(users=user_id)["channel"]["id"]
    if not pages:
        client.chat_postMessage(channel=channel, text=nothing_to_review_text(campaign))
        return
    for page in pages:
        client.chat_postMessage(
            channel=channel, text=campaign_prompt_text(page), blocks=campaign_prompt_blocks(page)
        )
    logger.info("sent %s to %s", plural(len(pages), "campaign prompt"), user_id)


def message_place(body: dict[str, Any]) -> dict[str, Any]:
    """Where the prompt message lives, and which campaign, integration and items it shows."""
    message = mapping(body.get("message"))
    container = mapping(body.get("container"))
    blocks = mappings(message.get("blocks"))
    campaign, integration = _scope_of(blocks)
    return place_of(
        {
            "channel": container.get("channel_id") or mapping(body.get("channel")).get("id"),
            "ts": container.get("message_ts") or message.get("ts"),
            "positions": positions(blocks),
            "campaign": campaign,
            "integration": integration,
        }
    )


def place_of(value: Any) -> dict[str, Any]:
    """A place as the listeners use it, from a payload or a modal's private_metadata: text where
    text belongs, positions as integers, names as slugs, whatever the payload held."""
    found = mapping(value)

    def text(key: str) -> str | None:
        item = found.get(key)
        return item if isinstance(item, str) and item else None

    shown = found.get("positions")
    campaign, integration = text("campaign"), text("integration")
    return {
        "channel": text("channel"),
        "ts": text("ts"),
        "positions": [p for p in shown if type(p) is int] if isinstance(shown, list) else [],
        "campaign": None if campaign is None else integration_name(campaign),
        "integration": None if integration is None else integration_name(integration),
    }


def check_shown(place: dict[str, Any], campaign: str, position: int) -> None:
    """A control names an item of the prompt message that carries it; an item the message does
    not show, or another campaign's, was not put there by us."""
    if place["campaign"] and campaign != place["campaign"]:
        raise Malformed("a campaign the message does not show")
    if place["positions"] and position not in place["positions"]:
        raise Malformed("an item the message does not show")


def _scope_of(blocks: list[dict[str, Any]]) -> tuple[str | None, str | None]:
    for block in blocks:
        for element in mappings(block.get("elements")):
            if element.get("action_id") == Action.CAMPAIGN_PAGE_START:
                try:
                    campaign, integration, _ = parse_scope_value(str(element.get("value")))
                except ValueError:
                    return None, None
                return campaign, integration
    return None, None


def refresh_campaign_prompt(
    client: WebClient, runtime: Runtime, *, place: dict[str, Any], user_id: str
) -> None:
    """Show what was recorded, and by whom, in the prompt message itself; then the Home tab."""
    if (
        place.get("channel")
        and place.get("ts")
        and place.get("campaign")
        and place.get("integration")
    ):
        page = campaigns.page_as_now(
            runtime,
            actor=Actor.slack_user(user_id, runtime.settings.admins),
            campaign=place["campaign"],
            integration=place["integration"],
            positions=place["positions"],
        )
        client.chat_update(
            channel=place["channel"],
            ts=place["ts"],
            text=campaign_prompt_text(page),
            blocks=campaign_prompt_blocks(page),
        )
    publish_home(client, runtime, user_id=user_id)


def show_campaign_page(
    client: WebClient, runtime: Runtime, *, place: dict[str, Any], user_id: str, after: int
) -> None:
    """Turn the prompt message to the reviewer's items after the position `after`."""
    page = campaigns.page_after(
        runtime,
        actor=Actor.slack_user(user_id, runtime.settings.admins),
        campaign=place["campaign"],
        integration=place["integration"],
        after=after,
    )
    client.chat_update(
        channel=place["channel"],
        ts=place["ts"],
        text=campaign_prompt_text(page),
        blocks=campaign_prompt_blocks(page),
    )
