"""Escalation: after N digests with no action by the owner, tell the escalation channel and the
backup owners, once per streak. Any action by the owner (a declaration, a snooze, opening the
review, any recorded change) ends the streak."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from bot.nudges.digest import Digest
from bot.nudges.messenger import BackupAsked, Escalation, Messenger, NotDelivered, RecipientGone
from bot.nudges.pacing import Pacer
from storage import integrations as integration_repo
from storage.models import AuditEvent, Declaration, Integration, Nudge, Snooze
from storage.vocabulary import NudgeState

logger = logging.getLogger(__name__)

BOT_ACTOR = "boundary-bot"
ESCALATED = "nudge.escalated"


@dataclass(frozen=True)
class Streak:
    """Digests sent since the owner last acted, and whether this streak was escalated."""

    unacted: int
    escalated: bool


def _latest_by(session: Session, column: Any, at: Any) -> dict[str, datetime]:
    rows = session.execute(
        sa.select(column.label("who"), sa.func.max(at).label("at")).group_by(column)
    )
    return {row.who: _aware(row.at) for row in rows if row.at is not None}


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def last_actions(session: Session) -> dict[str, datetime]:
    """When each person last did anything we record: declared, snoozed, changed something."""
    latest: dict[str, datetime] = {}
    sources = (
        (col(Declaration.declared_by), col(Declaration.declared_at)),
        (col(Snooze.created_by), col(Snooze.created_at)),
        (col(AuditEvent.actor), col(AuditEvent.at)),
    )
    for who, at in sources:
        for person, moment in _latest_by(session, who, at).items():
            if person not in latest or moment > latest[person]:
                latest[person] = moment
    return latest


def streaks(session: Session, *, owners: Iterable[str], limit: int) -> dict[str, Streak]:
    """Each owner's streak, counting at most `limit` recent digests (enough to decide)."""
    wanted = set(owners)
    acted = last_actions(session)
    rank = (
        sa.func.row_number()
        .over(partition_by=col(Nudge.owner), order_by=col(Nudge.sent_at).desc())
        .label("rank")
    )
    ranked = (
        sa.select(col(Nudge.owner), col(Nudge.sent_at), rank)
        .where(col(Nudge.state) == NudgeState.SENT)
        .subquery()
    )
    unacted: dict[str, int] = defaultdict(int)
    for row in session.execute(
        sa.select(ranked.c.owner, ranked.c.sent_at).where(ranked.c.rank <= limit)
    ):
        if row.owner in wanted and (
            row.owner not in acted or _aware(row.sent_at) > acted[row.owner]
        ):
            unacted[row.owner] += 1
    escalated: set[str] = set()
    events = sa.select(col(AuditEvent.at), col(AuditEvent.detail)).where(
        col(AuditEvent.action) == ESCALATED
    )
    for row in session.execute(events):
        owner = (row.detail or {}).get("owner")
        if owner in wanted and (owner not in acted or _aware(row.at) > acted[owner]):
            escalated.add(owner)
    return {owner: Streak(unacted[owner], owner in escalated) for owner in wanted}


def escalate(
    session: Session,
    *,
    messenger: Messenger,
    digest: Digest,
    channel: str | None,
    pacer: Pacer,
    now: datetime,
) -> bool:
    """Post to the escalation channel and DM each backup owner, then record it (the record is
    what makes it once). False when it did not go out; the next cycle tries again. A refused
    token (TokenRefused) propagates: the cycle stops."""
    targets = [channel] if channel else []
    backups = {i.backup_owner for i in digest.integrations if i.backup_owner}
    backups |= {line.backup_owner for line in digest.overdue_campaigns if line.backup_owner}
    targets += sorted(backups - {digest.owner})
    if not targets:
        logger.info("no escalation channel or backup owner for %s; nothing to post", digest.owner)
    for target in targets:
        notice = Escalation(digest) if target == channel else BackupAsked(digest, target)
        pacer.wait(target)
        try:
            messenger.post_notice(target, notice)
        except (RecipientGone, NotDelivered) as refusal:
            logger.warning("escalation for %s to %s failed: %s", digest.owner, target, refusal)
            return False
    _record(session, digest, channel=channel, now=now)
    session.commit()
    return True


def _record(session: Session, digest: Digest, *, channel: str | None, now: datetime) -> None:
    """One `nudge.escalated` entry per integration named: its open gaps, or the overdue
    campaign it holds up (the campaign in the detail)."""
    names = [i.name for i in digest.integrations]
    names += [line.integration for line in digest.overdue_campaigns]
    query = sa.select(col(Integration.name), col(Integration.id))
    ids = {
        row.name: row.id for row in session.execute(query.where(col(Integration.name).in_(names)))
    }
    common = {"owner": digest.owner, "cycle": digest.cycle, "unacted": digest.unacted}
    entries: list[tuple[str, dict[str, Any]]] = [
        (
            item.name,
            {
                "backup_owner": item.backup_owner,
                "counts": {str(k): n for k, n in item.counts.items()},
            },
        )
        for item in digest.integrations
    ]
    entries += [
        (
            line.integration,
            {
                "backup_owner": line.backup_owner,
                "campaign": line.campaign,
                "decided": line.decided,
                "total": line.total,
                "overdue_days": -line.days_left,
            },
        )
        for line in digest.overdue_campaigns
    ]
    for name, detail in entries:
        integration_repo.record_event(
            session,
            at=now,
            actor=BOT_ACTOR,
            action=ESCALATED,
            integration_id=ids.get(name),
            detail={**common, **detail, "channel": channel},
        )
