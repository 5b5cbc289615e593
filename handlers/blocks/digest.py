"""Block Kit of the nudge digest: counts by gap kind, the most urgent items, and its buttons."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.nudges.digest import Digest, DigestItem, describe_counts
from handlers.blocks.campaign_digest import campaign_summary, campaign_text
from handlers.blocks.details import details_line
from handlers.blocks.text import SECTION_LIMIT, button, context, escape, header, mention, section
from handlers.ids import Action, Block

# How each gap kind reads in a sentence; the digest names every item's kind this way.
KIND_LABELS = {
    "orphan": "orphaned (owner gone)",
    "remove": "declared remove, still active",
    "cross-lane": "cross-lane email",
    "lane-mismatch": "lane mismatch",
    "scim": "SCIM gap",
    "sso": "SSO gap",
    "undeclared": "undeclared",
    "stale": "stale declaration",
    "unused": "unused key or account",
    "owner-left": "owner left",
    "ownerless": "no human owner",
    "admin-key": "admin key due for review",
}


def digest_text(digest: Digest) -> str:
    """The notification and fallback text: what is open, in one line, campaigns first."""
    noun = "item" if digest.total == 1 else "items"
    gaps = f"{digest.total} open {noun} in integrations you own ({describe_counts(digest.counts)})"
    if not digest.campaigns:
        return f"Boundary review: {gaps}."
    lead = f"Boundary review: {campaign_summary(digest)}"
    return f"{lead}; {gaps}." if digest.total else f"{lead}."


def _item_line(item: DigestItem, *, detailed: bool = True) -> str:
    label = KIND_LABELS.get(str(item.kind), str(item.kind))
    where = f"*{escape(item.integration)}*"
    if item.identity is not None:
        where += f" · `{escape(item.identity)}`"
    line = f"• {where}: {label}: {escape(item.detail)}"
    if item.details is None or not detailed:
        return line
    # Under the item, indented: what is known of the key or account it names.
    return f"{line}\n      {details_line(item.details)}"


def _urgent_text(digest: Digest) -> str:
    """The most urgent items, each with its details line while the section has room: the
    last items lose theirs first, so no item is cut off."""
    items = digest.items
    for detailed in range(len(items), -1, -1):
        text = "*Most urgent*\n" + "\n".join(
            _item_line(item, detailed=n < detailed) for n, item in enumerate(items)
        )
        if len(text) <= SECTION_LIMIT:
            return text
    return text


def _counts_line(digest: Digest) -> str:
    return " · ".join(
        f"*{n}* {KIND_LABELS.get(str(kind), str(kind))}" for kind, n in digest.counts.items()
    )


def home_url(team_id: str | None, app_id: str | None) -> str | None:
    """A deep link to the bot's App Home tab, when Slack told us the team and app ids."""
    if not team_id or not app_id:
        return None
    return f"slack://app?team={team_id}&id={app_id}&tab=home"


def digest_blocks(digest: Digest, *, home: str | None = None) -> list[dict[str, Any]]:
    """The digest message: header, the campaigns waiting on the owner, counts, the most urgent
    items by name, then the buttons."""
    blocks: list[dict[str, Any]] = [header("Boundary review: what is still open")]
    if digest.campaigns:
        blocks.append(section(campaign_text(digest)))
    if digest.total:
        integrations = ", ".join(f"*{escape(i.name)}*" for i in digest.integrations)
        blocks.append(section(f"Open in {integrations}: {_counts_line(digest)}"))
        blocks.append(section(_urgent_text(digest)))
    if digest.more > 0:
        blocks.append(context(f"…and {digest.more} more; the App Home tab lists every open item."))
    open_home = button("Open App Home", Action.OPEN_HOME, digest.owner)
    if home is not None:
        open_home["url"] = home
    blocks.append(
        {
            "type": "actions",
            "block_id": Block.DIGEST_ACTIONS,
            "elements": [
                button("Review now", Action.REVIEW_NOW, digest.owner, style="primary"),
                button("Snooze 1 day", Action.SNOOZE_DAY, digest.owner),
                button("Snooze 1 week", Action.SNOOZE_WEEK, digest.owner),
                open_home,
            ],
        }
    )
    blocks.append(context(f"Cycle {digest.cycle}. You get one digest per weekday until closed."))
    return blocks


def acted_blocks(blocks: list[dict[str, Any]], note: str) -> list[dict[str, Any]]:
    """The same digest with its buttons replaced by what was recorded, so it cannot be
    clicked twice."""
    kept = [block for block in blocks if block.get("block_id") != Block.DIGEST_ACTIONS]
    return [*kept, context(note)]


def snoozed_note(user_id: str, until: datetime) -> str:
    return f":zzz: Snoozed by {mention(user_id)} until {until:%a %d %b %H:%M} ({until.tzname()})."


def review_opened_note(user_id: str) -> str:
    return f":memo: {mention(user_id)} asked for the review; the declaration prompt is in this DM."
