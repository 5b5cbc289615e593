"""What one user sees in a channel: the stand-in's messages as the bot's answers left them,
merged in order with the messages only that user's Slack client knows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.playground.block_ids import with_ids
from bot.playground.standin import BOT_USER_ID, Message, StandInSnapshot


@dataclass
class LocalMessage:
    """A message only a client knows: the user's own command, ephemerals, response_url posts."""

    ts: str
    channel: str
    text: str
    blocks: list[dict[str, Any]]
    visible_to: str | None  # None: everyone in the channel
    kind: str  # "command", "ephemeral" or "in_channel"
    author: str = BOT_USER_ID
    deleted: bool = False
    edits: int = 0


@dataclass
class Overlay:
    """A stand-in message rewritten by `replace_original`, until the bot chat.updates it."""

    text: str
    blocks: list[dict[str, Any]]
    deleted: bool
    seen_updates: int


Overlays = dict[tuple[str, str], Overlay]  # by (channel, ts)


def timeline(
    state: StandInSnapshot,
    channel: str,
    user: str,
    *,
    local: list[LocalMessage],
    overlays: Overlays,
) -> list[dict[str, Any]]:
    """The messages of `channel` that `user` sees, oldest first."""
    items = [
        item
        for item in (_stored(m, overlays) for m in state.messages.get(channel, []))
        if item is not None
    ]
    for message in local:
        if message.channel != channel or message.deleted:
            continue
        if message.visible_to not in (None, user):
            continue
        items.append(_local(message))
    return sorted(items, key=lambda item: tuple(int(p) for p in item["ts"].split(".")))


def _stored(message: Message, overlays: Overlays) -> dict[str, Any] | None:
    overlay = overlays.get((message.channel, message.ts))
    text, blocks, edited = message.text, message.blocks, message.updates > 0
    if overlay is not None and message.updates <= overlay.seen_updates:
        if overlay.deleted:
            return None
        text, blocks, edited = overlay.text or text, overlay.blocks, True
    return {
        "ts": message.ts,
        "channel": message.channel,
        "author": message.user,
        "text": text,
        "blocks": with_ids(blocks),
        "ephemeral": False,
        "kind": "message",
        "edited": edited,
    }


def _local(message: LocalMessage) -> dict[str, Any]:
    return {
        "ts": message.ts,
        "channel": message.channel,
        "author": message.author,
        "text": message.text,
        "blocks": message.blocks,
        "ephemeral": message.visible_to is not None,
        "kind": message.kind,
        "edited": message.edits > 0,
    }
