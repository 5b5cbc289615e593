"""Sending one digest under the ledger: claim, post through the Messenger, record the outcome."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from bot.integrations import mark_owner_active
from bot.nudges import ledger
from bot.nudges.digest import Digest
from bot.nudges.directory import remember
from bot.nudges.messenger import Messenger, NotDelivered, Person, RecipientGone, TokenRefused
from bot.nudges.pacing import Pacer
from bot.runtime import Runtime

logger = logging.getLogger(__name__)


class Outcome(StrEnum):
    SENT = "sent"
    RACED = "raced"  # another replica claimed it first
    FAILED = "failed"  # recorded as failed; a later run of the cycle tries again
    OWNER_GONE = "owner-gone"
    AUTH_FAILED = "auth-failed"
    SKIPPED = "skipped"  # the cycle stopped before this one was tried


@dataclass(frozen=True)
class Delivery:
    outcome: Outcome
    error: str | None = None
    attempt: int = 1  # of this cycle's digest for this owner; more than 1 is a retry


# The outcomes of a send this process tried (a raced or skipped digest was not tried here).
_TRIED = frozenset({Outcome.SENT, Outcome.FAILED, Outcome.OWNER_GONE, Outcome.AUTH_FAILED})


@dataclass(frozen=True)
class Sender:
    """What one cycle run shares across its sends."""

    runtime: Runtime
    messenger: Messenger
    pacer: Pacer
    worker: str
    lease: timedelta = ledger.CLAIM_LEASE
    home: str | None = None


def deliver(sender: Sender, digest: Digest) -> Delivery:
    """Send one digest under the ledger (`_deliver`), and count the attempt."""
    delivery = _deliver(sender, digest)
    if delivery.outcome in _TRIED:
        sender.runtime.metrics.nudge_tried(delivery.outcome.value, retry=delivery.attempt > 1)
    return delivery


def _deliver(sender: Sender, digest: Digest) -> Delivery:
    """Claim the (owner, cycle) row, post the digest, record the outcome.

    Each step commits on its own: a claim is visible before the message leaves, so a crash
    after posting and before recording leaves a `claimed` row that is sent again once its
    lease runs out (at-least-once; see docs/nudges.md).
    """
    runtime = sender.runtime
    with runtime.unit_of_work() as session:
        attempt = ledger.claim(
            session,
            owner=digest.owner,
            cycle=digest.cycle,
            worker=sender.worker,
            now=runtime.clock.now(),
            summary=digest.summary(),
            lease=sender.lease,
        )
    if not attempt:
        return Delivery(Outcome.RACED)
    sender.pacer.wait(digest.owner)
    try:
        posted = sender.messenger.post_digest(digest, home=sender.home)
    except (TokenRefused, RecipientGone, NotDelivered) as refusal:
        return _refused(sender, digest, refusal, attempt)
    with runtime.unit_of_work() as session:
        ledger.record_sent(
            session,
            owner=digest.owner,
            cycle=digest.cycle,
            channel=posted.channel,
            ts=posted.ts,
            now=runtime.clock.now(),
        )
    return Delivery(Outcome.SENT, attempt=attempt)


def _refused(sender: Sender, digest: Digest, refusal: Exception, attempt: int) -> Delivery:
    runtime, code = sender.runtime, str(refusal)
    gone = isinstance(refusal, RecipientGone)
    with runtime.unit_of_work() as session:
        ledger.record_failed(session, owner=digest.owner, cycle=digest.cycle, error=code)
        if gone:
            now = runtime.clock.now()
            remember(session, person=Person(digest.owner, None, None, is_active=False), now=now)
            mark_owner_active(session, user_id=digest.owner, active=False)
    if isinstance(refusal, TokenRefused):
        return Delivery(Outcome.AUTH_FAILED, code, attempt)
    if gone:
        logger.info("owner %s is gone from Slack (%s); marked inactive", digest.owner, code)
        return Delivery(Outcome.OWNER_GONE, code, attempt)
    logger.warning("digest to %s failed (%s); a later run retries it", digest.owner, code)
    return Delivery(Outcome.FAILED, code, attempt)
