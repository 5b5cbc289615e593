"""Every Slack id the app uses (commands, actions, blocks, views), defined once.

manifest.yml names the command; tests check that the manifest and this module agree.
"""

from __future__ import annotations

from enum import StrEnum


class Command(StrEnum):
    BOUNDARY = "/boundary"


class Action(StrEnum):
    # Declaration prompt (DM to an owner)
    DECLARE = "declare.choose"
    DECLARE_WITH_NOTE = "declare.with_note"
    APPLY_REMAINING = "declare.apply_remaining"
    PAGE = "declare.page"
    PAGE_START = "declare.page_start"
    # Nudge digest
    REVIEW_NOW = "nudge.review_now"
    SNOOZE_DAY = "nudge.snooze_day"
    SNOOZE_WEEK = "nudge.snooze_week"
    OPEN_HOME = "nudge.open_home"
    # App Home
    HOME_REVIEW = "home.review"
    HOME_CAMPAIGN_REVIEW = "home.campaign_review"
    HOME_CAMPAIGN_SIGN_OFF = "home.campaign_sign_off"
    # Campaign prompt (DM to a reviewer)
    CAMPAIGN_KEEP = "campaign.keep"
    CAMPAIGN_CHANGE = "campaign.change"
    CAMPAIGN_REMOVE = "campaign.remove"
    CAMPAIGN_KEEP_REST = "campaign.keep_rest"
    CAMPAIGN_SIGN_OFF = "campaign.sign_off"
    CAMPAIGN_PAGE = "campaign.page"
    CAMPAIGN_PAGE_START = "campaign.page_start"


class View(StrEnum):
    REGISTER = "register.submit"
    DECLARE_NOTE = "declare.note.submit"
    APPLY_REMAINING = "declare.apply_remaining.submit"
    CAMPAIGN_DECIDE = "campaign.decide.submit"


class Block(StrEnum):
    """Block ids of input blocks, read back from `view.state.values` on submit."""

    NAME = "name"
    LAYER = "layer"
    OWNER = "owner"
    LANE = "lane"
    NOTE = "note"
    RULE = "rule"
    REASON = "reason"
    # Prefixes of per-identity blocks in the declaration prompt; the suffix is the identity id,
    # so an action on the message can recover which identities its page shows.
    IDENTITY = "identity"
    IDENTITY_ACTIONS = "identity-actions"
    # The same for the campaign prompt; the suffix is the item's position in the campaign.
    CAMPAIGN_ITEM = "campaign-item"
    CAMPAIGN_ITEM_ACTIONS = "campaign-item-actions"
    # The nudge digest's buttons, replaced by what was recorded once one is used.
    DIGEST_ACTIONS = "nudge-actions"


class Event(StrEnum):
    APP_HOME_OPENED = "app_home_opened"
