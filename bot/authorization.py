"""Who may change what: owners, backup owners and admins write; anyone may look up."""

from __future__ import annotations

from dataclasses import dataclass

from bot.errors import NotAllowed
from storage.models import Integration


@dataclass(frozen=True)
class Actor:
    """The person behind a use case call: a Slack user, or the named operator at the CLI
    (bot/cli/runtime.py:operator)."""

    user_id: str
    is_admin: bool = False

    @classmethod
    def slack_user(cls, user_id: str, admins: frozenset[str]) -> Actor:
        return cls(user_id=user_id, is_admin=user_id in admins)


def may_steward(actor: Actor, integration: Integration) -> bool:
    return actor.is_admin or actor.user_id in (integration.owner, integration.backup_owner)


def require_steward(actor: Actor, integration: Integration) -> None:
    if not may_steward(actor, integration):
        raise NotAllowed(
            f"Only the owner of `{integration.name}` ({{owner}}), its backup owner"
            " or an admin can do that.",
            people={"owner": integration.owner},
        )
