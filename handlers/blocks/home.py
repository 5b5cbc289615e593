"""The App Home tab: the viewer's queue, the integrations they own, their open gaps."""

from __future__ import annotations

from typing import Any

from bot.campaigns.home import CampaignHome
from bot.gaps import Gap, count_by_kind
from bot.home import Home
from handlers.blocks.campaign_home import campaign_blocks
from handlers.blocks.details import details_line
from handlers.blocks.text import (
    SURFACE_BLOCKS,
    button,
    clip,
    context,
    divider,
    escape,
    header,
    section,
)
from handlers.ids import Action

MAX_QUEUE_ROWS = 20
MAX_OWNED_LINES = 30
MAX_GAP_LINES = 15


def home_view(home: Home, campaigns: CampaignHome | None = None) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = [header("Your identity boundary")]
    campaign_part = campaign_blocks(campaigns or CampaignHome())
    if not home.owned:
        blocks.append(
            section(
                "You don't own any integrations yet. Register one with"
                " `/boundary register &lt;name&gt; platform|application`, or see `/boundary help`."
            )
        )
        return {"type": "home", "blocks": blocks + campaign_part}
    waiting = [s for s in home.queue if s.pending]
    blocks.append(section("*Waiting for your declaration*"))
    if not waiting:
        blocks.append(section(":white_check_mark: Nothing: every identity has a current lane."))
    for summary in waiting[:MAX_QUEUE_ROWS]:
        noun = "identity" if summary.pending == 1 else "identities"
        blocks.append(
            section(
                f"`{summary.integration}`: {summary.pending} {noun}",
                accessory=button(
                    "Review", Action.HOME_REVIEW, summary.integration, style="primary"
                ),
            )
        )
    if len(waiting) > MAX_QUEUE_ROWS:
        blocks.append(context(f"…and {len(waiting) - MAX_QUEUE_ROWS} more integrations."))
    blocks.append(divider())
    lines = [
        f"`{view.name}` — {view.layer}; SSO `{view.sso}`, SCIM `{view.scim}`"
        + ("" if view.owner == home.user_id else " (you are the backup)")
        for view in home.owned[:MAX_OWNED_LINES]
    ]
    more = len(home.owned) - MAX_OWNED_LINES
    blocks.append(
        section(
            "*Integrations you own*\n"
            + "\n".join(lines)
            + (f"\n…and {more} more" if more > 0 else "")
        )
    )
    blocks.append(divider())
    if not home.gaps:
        blocks.append(section("*Open gaps*\n:white_check_mark: None."))
    else:
        counts = ", ".join(f"{kind} {n}" for kind, n in count_by_kind(home.gaps).items())
        blocks.append(section(f"*Open gaps* ({counts})"))
        for gap in home.gaps[:MAX_GAP_LINES]:
            blocks.extend(_gap_blocks(home, gap))
        if len(home.gaps) > MAX_GAP_LINES:
            blocks.append(
                context(f"…and {len(home.gaps) - MAX_GAP_LINES} more: `/boundary gaps @you`.")
            )
    blocks.extend(campaign_part)
    assert len(blocks) <= SURFACE_BLOCKS
    return {"type": "home", "blocks": blocks}


def _gap_blocks(home: Home, gap: Gap) -> list[dict[str, Any]]:
    """A gap's line, and under it what is known of the key or account it names."""
    line = (
        f"• *{gap.kind}* `{gap.integration}`"
        + (f" `{escape(clip(gap.identity, 40))}`" if gap.identity else "")
        + f": {escape(clip(gap.detail, 300))}"
    )
    details = home.details.get(gap.identity_id) if gap.identity_id is not None else None
    return [section(line)] + ([] if details is None else [context(details_line(details))])
