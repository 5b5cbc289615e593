"""The port through which the domain reaches people: post a digest, post a notice, look someone
up. Use cases and jobs speak to this protocol with domain values; the Slack implementation
(handlers/messenger.py) decides how each value reads and maps Slack's answers to the
exceptions below."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.nudges.digest import Digest


@dataclass(frozen=True)
class Person:
    """What the directory (Slack) says about a user: time zone, name, whether they still exist."""

    user_id: str
    tz: str | None
    real_name: str | None
    is_active: bool
    # Given only with the users:read.email scope; keeps a campaign reviewer off their own
    # identities when they are matched by email.
    email: str | None = None


@dataclass(frozen=True)
class Posted:
    """Where a message landed, so that it can be updated in place later."""

    channel: str | None
    ts: str | None


# What the domain tells people, as values; the Slack side writes the sentences and mentions.


@dataclass(frozen=True)
class Escalation:
    """To the escalation channel: an owner has let several digests go unanswered."""

    digest: Digest


@dataclass(frozen=True)
class BackupAsked:
    """To one backup owner: the owner of integrations they back up has not acted."""

    digest: Digest
    backup: str


@dataclass(frozen=True)
class OrphanHandedOver:
    """To the backup owner who now owns an integration whose owner is gone."""

    integration: str
    gone_owner: str


@dataclass(frozen=True)
class OrphanReported:
    """To an admin: an integration's owner is gone and it has no backup owner."""

    integration: str
    gone_owner: str


@dataclass(frozen=True)
class Note:
    """A plain sentence from a use case (a sync's outcome), shown as it is."""

    text: str


Notice = Escalation | BackupAsked | OrphanHandedOver | OrphanReported | Note


class TokenRefused(Exception):
    """The messenger's credentials were refused: nothing else will work either. The message names
    the service's error code, never the credential."""


class RecipientGone(Exception):
    """The person no longer exists or is deactivated."""


class NotDelivered(Exception):
    """The message did not go out (rate limits and faults were already retried); a later run
    may try again. The message is the service's error code."""


class Messenger(Protocol):
    def post_digest(self, digest: Digest, *, home: str | None) -> Posted:
        """Send one owner their digest; raises TokenRefused, RecipientGone or NotDelivered."""
        ...

    def post_notice(self, to: str, notice: Notice) -> Posted:
        """Send a notice to a person or a channel; raises like post_digest."""
        ...

    def look_up(self, user_id: str) -> Person | None:
        """The person (inactive when gone), or None when the directory could not say; raises
        TokenRefused."""
        ...

    def home_link(self) -> str | None:
        """A link to the bot's home, for the digest's button; None when unknown. Raises
        TokenRefused."""
        ...
