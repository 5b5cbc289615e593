"""The campaign prompt: one page of a reviewer's items in one integration of a campaign, each
with Keep / Change… / Remove…, and the integration's Keep-the-rest and Sign-off buttons."""

from __future__ import annotations

from typing import Any

from bot.campaigns.queue import ReviewItem, ReviewPage
from handlers.blocks.text import (
    MESSAGE_BLOCKS,
    button,
    clip,
    context,
    day,
    divider,
    escape,
    header,
    mention,
    section,
)
from handlers.ids import Action, Block

DECISION_WORDS = {"keep": "kept", "change": "changed", "remove": "removed"}


def item_value(campaign: str, position: int) -> str:
    return f"{campaign}:{position}"


def parse_item_value(value: str) -> tuple[str, int]:
    """The inverse of item_value; raises ValueError on anything else."""
    campaign, _, position = value.rpartition(":")
    if not campaign:
        raise ValueError(value)
    return campaign, int(position)


def scope_value(campaign: str, integration: str, after: int = 0) -> str:
    return f"{campaign}:{integration}:{after}"


def parse_scope_value(value: str) -> tuple[str, str, int]:
    """The inverse of scope_value; raises ValueError on anything else."""
    campaign, integration, after = value.split(":")
    return campaign, integration, int(after)


def positions(blocks: list[dict[str, Any]]) -> list[int]:
    """The items a campaign prompt message shows, read back from its block ids."""
    prefix = f"{Block.CAMPAIGN_ITEM}:"
    found = []
    for block in blocks:
        block_id = str(block.get("block_id", ""))
        if block_id.startswith(prefix) and block_id[len(prefix) :].isdigit():
            found.append(int(block_id[len(prefix) :]))
    return found


def _describe(item: ReviewItem) -> str:
    facts = [item.kind.replace("_", " ")]
    if item.email and item.email != item.display_name:
        facts.append(escape(clip(item.email, 120)))
    if item.external_id not in (item.display_name, item.email):
        facts.append(f"`{escape(clip(item.external_id, 60))}`")
    name = escape(clip(item.display_name or item.external_id, 120))
    return f"*{name}*  ·  " + " · ".join(facts)


def _status(item: ReviewItem) -> str:
    if item.decision is None:
        lane = f"`{item.lane}`" if item.lane else "no lane yet"
        return f":hourglass: to decide; lane now {lane}"
    by = f" by {mention(item.decided_by)}" if item.decided_by else ""
    line = (
        f":white_check_mark: {DECISION_WORDS.get(item.decision, item.decision)}"
        f" → `{item.decided_lane}`{by} on {day(item.decided_at)}"
    )
    if item.reason:
        line += f"\n_{escape(clip(item.reason, 200))}_"
    return line


def _item_blocks(page: ReviewPage, item: ReviewItem) -> list[dict[str, Any]]:
    blocks = [
        section(
            f"{_describe(item)}\n{_status(item)}",
            block_id=f"{Block.CAMPAIGN_ITEM}:{item.position}",
        )
    ]
    if item.decision is not None or page.signed_off_by is not None:
        return blocks
    value = item_value(page.campaign, item.position)
    elements = [button("Keep", Action.CAMPAIGN_KEEP, value, style="primary")] if item.lane else []
    elements += [
        button("Change…", Action.CAMPAIGN_CHANGE, value),
        button("Remove…", Action.CAMPAIGN_REMOVE, value, style="danger"),
    ]
    blocks.append(
        {
            "type": "actions",
            "block_id": f"{Block.CAMPAIGN_ITEM_ACTIONS}:{item.position}",
            "elements": elements,
        }
    )
    return blocks


def campaign_prompt_text(page: ReviewPage) -> str:
    """The notification text (and the fallback for clients that cannot show blocks)."""
    return (
        f"Campaign {page.campaign}: {page.undecided} of {page.total} still to decide in"
        f" {page.integration}, due {page.due_on.isoformat()}"
    )


def _navigation(page: ReviewPage) -> list[dict[str, Any]]:
    scope = scope_value(page.campaign, page.integration)
    elements = []
    if page.signed_off_by is None and page.steward and page.undecided:
        elements.append(button("Keep every remaining lane", Action.CAMPAIGN_KEEP_REST, scope))
    if page.ready_to_sign:
        elements.append(
            button(f"Sign off {page.integration}", Action.CAMPAIGN_SIGN_OFF, scope, style="primary")
        )
    if page.next_after is not None:
        after = scope_value(page.campaign, page.integration, page.next_after)
        elements.append(button("Next page", Action.CAMPAIGN_PAGE, after))
    elements.append(button("Show what is left", Action.CAMPAIGN_PAGE_START, scope))
    return elements


def _footer(page: ReviewPage) -> str:
    if page.signed_off_by is not None:
        return (
            f":lock: `{page.integration}` is signed off by {mention(page.signed_off_by)}: its"
            " decisions in this campaign are locked."
        )
    if page.undecided:
        return f"{page.undecided} of {page.total} still to decide in `{page.integration}`."
    if page.steward:
        return f"Every item of `{page.integration}` is decided: sign it off to lock them."
    return f"Every item of `{page.integration}` is decided; its owner signs it off."


def campaign_prompt_blocks(page: ReviewPage) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = [
        header(f"Campaign {page.campaign}: {page.integration}"),
        context(
            f"Due {page.due_on.isoformat()}. For each identity: *Keep* its lane, *Change* it or"
            " *Remove* it (with a reason). Every decision goes on the audit trail; signing off"
            " locks them."
        ),
        divider(),
    ]
    for item in page.items:
        blocks.extend(_item_blocks(page, item))
    if not page.items:
        blocks.append(section("Nothing on this page waits for your decision."))
    blocks.append(divider())
    blocks.append(
        {"type": "actions", "block_id": "campaign-navigation", "elements": _navigation(page)}
    )
    blocks.append(context(_footer(page)))
    assert len(blocks) <= MESSAGE_BLOCKS
    return blocks


def nothing_to_review_text(campaign: str) -> str:
    return f"Nothing waits for you in campaign `{escape(clip(campaign, 64))}`."
