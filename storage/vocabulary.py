"""The product's vocabulary as enums: the values that tables, use cases and Slack share."""

from __future__ import annotations

from enum import StrEnum


class Layer(StrEnum):
    PLATFORM = "platform"
    APPLICATION = "application"


class SsoStatus(StrEnum):
    ENFORCED = "enforced"
    OPTIONAL = "optional"
    NONE = "none"
    UNKNOWN = "unknown"


class ScimStatus(StrEnum):
    ENABLED = "enabled"
    PLATFORM_ONLY = "platform-only"
    NONE = "none"
    UNKNOWN = "unknown"


class IdentityKind(StrEnum):
    HUMAN = "human"
    SERVICE_ACCOUNT = "service_account"
    API_KEY = "api_key"
    BOT = "bot"
    GROUP = "group"


class IdentityStatus(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"


class Source(StrEnum):
    MANUAL = "manual"
    CSV = "csv"
    SCIM = "scim"
    OPENAI = "openai"
    WORKOS = "workos"
    OKTA = "okta"
    ANTHROPIC = "anthropic"


class Lane(StrEnum):
    WORKFORCE = "workforce"
    CUSTOMER = "customer"


class Answer(StrEnum):
    """What an owner can declare for one identity: a lane, or that it should not exist."""

    WORKFORCE = "workforce"
    CUSTOMER = "customer"
    REMOVE = "remove"


class RuleMatch(StrEnum):
    """What a lane rule matches on: `domain:acme.com`, `kind:service_account`, `role:admin`."""

    DOMAIN = "domain"
    KIND = "kind"
    ROLE = "role"


class GapKind(StrEnum):
    UNDECLARED = "undeclared"
    STALE = "stale"
    SSO = "sso"
    SCIM = "scim"
    LANE_MISMATCH = "lane-mismatch"
    CROSS_LANE = "cross-lane"
    ORPHAN = "orphan"
    REMOVE = "remove"
    UNUSED = "unused"
    OWNER_LEFT = "owner-left"
    OWNERLESS = "ownerless"
    ADMIN_KEY = "admin-key"


class NudgeState(StrEnum):
    CLAIMED = "claimed"
    SENT = "sent"
    FAILED = "failed"


class SyncState(StrEnum):
    RUNNING = "running"
    OK = "ok"
    FAILED = "failed"


class CoverageKind(StrEnum):
    SSO = "sso"
    SCIM = "scim"


class Decision(StrEnum):
    """A reviewer's decision on one campaign item: keep its lane, change it, or remove it."""

    KEEP = "keep"
    CHANGE = "change"
    REMOVE = "remove"


class CloseRule(StrEnum):
    """What closing a campaign does with items still undecided: record them as unreviewed
    (`leave`), or record them and tell the escalation channel (`escalate`). Never hides them."""

    LEAVE = "leave"
    ESCALATE = "escalate"
