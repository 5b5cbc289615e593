"""Sending the declaration prompt: a DM per integration with identities waiting for a lane."""

from __future__ import annotations

import logging

from slack_sdk import WebClient

from bot import queue
from bot.authorization import Actor
from bot.context import Runtime
from handlers.blocks.prompt import nothing_to_declare_text, prompt_blocks, prompt_text

logger = logging.getLogger(__name__)

# One DM per integration; an owner of many integrations gets the busiest few, and the App
# Home tab lists every one of them.
MAX_PROMPTS = 5


def prompt_pages(
    runtime: Runtime, *, user_id: str, integration: str | None
) -> list[queue.QueuePage]:
    """The first page of each queue to show the user (raises a DomainError for an integration
    that does not exist or that the user may not steward)."""
    actor = Actor.slack_user(user_id, runtime.settings.admins)
    now = runtime.clock.now()
    days = runtime.settings.review_days
    with runtime.unit_of_work() as session:
        if integration is not None:
            names = [integration]
        else:
            summaries = queue.summaries_for(session, user_id=user_id, review_days=days, now=now)
            busiest = sorted((s for s in summaries if s.pending), key=lambda s: -s.pending)
            names = [s.integration for s in busiest[:MAX_PROMPTS]]
        pages = [
            queue.queue_page(session, actor=actor, integration_name=name, review_days=days, now=now)
            for name in names
        ]
    return [page for page in pages if page.items]


def send_review_prompt(
    client: WebClient, runtime: Runtime, *, user_id: str, integration: str | None = None
) -> None:
    """DM the user the first page of their queue for one integration, or for each they own."""
    pages = prompt_pages(runtime, user_id=user_id, integration=integration)
    channel = client.conversations_open(users=user_id)["channel"]["id"]
    if not pages:
        client.chat_postMessage(channel=channel, text=nothing_to_declare_text(integration))
        return
    for page in pages:
        client.chat_postMessage(channel=channel, text=prompt_text(page), blocks=prompt_blocks(page))
    logger.info("sent %d declaration prompt(s) to %s", len(pages), user_id)
