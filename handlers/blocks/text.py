"""Small text helpers for Block Kit: mrkdwn escaping, clipping to Slack's limits."""

from __future__ import annotations

from datetime import datetime
from typing import Any

# Slack's limits: plain text in buttons and options, section text, header text.
LABEL_LIMIT = 75
SECTION_LIMIT = 3000
HEADER_LIMIT = 150
MESSAGE_BLOCKS = 50
SURFACE_BLOCKS = 100


def escape(text: str) -> str:
    """Escape the three characters mrkdwn treats as markup, so user data cannot inject
    mentions or links."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def plain(text: str, limit: int = LABEL_LIMIT) -> dict[str, Any]:
    return {"type": "plain_text", "text": clip(text, limit), "emoji": True}


def mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": clip(text, SECTION_LIMIT)}


def section(text: str, **extra: Any) -> dict[str, Any]:
    return {"type": "section", "text": mrkdwn(text), **extra}


def context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [mrkdwn(text)]}


def header(text: str) -> dict[str, Any]:
    return {"type": "header", "text": plain(text, HEADER_LIMIT)}


def divider() -> dict[str, Any]:
    return {"type": "divider"}


def button(text: str, action_id: str, value: str, *, style: str | None = None) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "button",
        "text": plain(text),
        "action_id": action_id,
        "value": value,
    }
    if style is not None:
        element["style"] = style
    return element


def option(text: str, value: str) -> dict[str, Any]:
    return {"text": plain(text), "value": value}


def day(moment: datetime | None) -> str:
    return "" if moment is None else f"{moment:%Y-%m-%d}"


def mention(user_id: str) -> str:
    """A person as Slack shows them: `<@U123>` renders as their name. Only ids that look like
    Slack's are turned into mentions; anything else is escaped text."""
    if user_id[:1] in ("U", "W") and user_id.isalnum() and user_id.isupper():
        return f"<@{user_id}>"
    return escape(user_id)
