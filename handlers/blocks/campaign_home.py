"""The App Home's Campaigns section: what the viewer owes in each open campaign, with Review
and Sign off buttons, and, for an admin, every open campaign's overall progress."""

from __future__ import annotations

from typing import Any

from bot.campaigns.home import CampaignHome
from bot.campaigns.progress import Owed
from bot.text import plural
from handlers.blocks.campaign_answers import progress_line
from handlers.blocks.campaign_prompt import scope_value
from handlers.blocks.text import button, context, divider, section
from handlers.ids import Action

MAX_OWED_ROWS = 10
MAX_OVERALL_LINES = 10


def _when(owed: Owed) -> str:
    if owed.days_left < 0:
        return f":warning: *OVERDUE* (due {owed.due_on.isoformat()})"
    if owed.days_left == 0:
        return f"due *today* ({owed.due_on.isoformat()})"
    return f"due {owed.due_on.isoformat()} ({plural(owed.days_left, 'day')} left)"


def _owed_blocks(owed: Owed) -> list[dict[str, Any]]:
    decided = owed.total - owed.undecided
    line = (
        f"`{owed.integration}` in *{owed.campaign}*: {decided}/{owed.total} decided, {_when(owed)}"
    )
    scope = scope_value(owed.campaign, owed.integration)
    elements = [button("Review", Action.HOME_CAMPAIGN_REVIEW, scope, style="primary")]
    if owed.ready_to_sign:
        elements.append(
            button(f"Sign off {owed.integration}", Action.HOME_CAMPAIGN_SIGN_OFF, scope)
        )
    return [section(line), {"type": "actions", "elements": elements}]


def campaign_blocks(campaigns: CampaignHome) -> list[dict[str, Any]]:
    """Nothing at all when no open campaign concerns the viewer."""
    if not campaigns.owed and not campaigns.overall:
        return []
    blocks: list[dict[str, Any]] = [divider(), section("*Campaigns*")]
    if not campaigns.owed:
        blocks.append(section(":white_check_mark: No campaign waits on you."))
    for owed in campaigns.owed[:MAX_OWED_ROWS]:
        blocks.extend(_owed_blocks(owed))
    if len(campaigns.owed) > MAX_OWED_ROWS:
        blocks.append(context(f"…and {len(campaigns.owed) - MAX_OWED_ROWS} more integrations."))
    if campaigns.overall:
        lines = [progress_line(campaign) for campaign in campaigns.overall[:MAX_OVERALL_LINES]]
        more = len(campaigns.overall) - MAX_OVERALL_LINES
        if more > 0:
            lines.append(f"…and {more} more: `/boundary campaign status`")
        blocks.append(section("*Every open campaign* (you are an admin)\n" + "\n".join(lines)))
    return blocks
