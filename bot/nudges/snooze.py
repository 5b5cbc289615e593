"""What an owner can do from a digest: snooze it (recorded with who and until when), or open
the review. Either counts as acting, which ends an escalation streak."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from bot.errors import NotAllowed
from bot.nudges import directory
from bot.nudges.schedule import zone
from bot.runtime import Runtime
from storage import integrations as integration_repo
from storage.models import Snooze

REVIEW_OPENED = "nudge.review_opened"
SNOOZED = "nudge.snoozed"
SNOOZE_DAY = timedelta(days=1)
SNOOZE_WEEK = timedelta(days=7)


def _require_owner(user_id: str, owner: str) -> None:
    if user_id != owner:
        raise NotAllowed(
            "This digest is for {owner}; only they can use its buttons.", people={"owner": owner}
        )


def snooze(
    session: Session, *, user_id: str, owner: str, length: timedelta, now: datetime
) -> Snooze:
    """Hear no digest until `now + length`; the next digest after that comes at the owner's
    next scheduled time."""
    _require_owner(user_id, owner)
    row = Snooze(owner=owner, until=now + length, created_by=user_id, created_at=now)
    session.add(row)
    session.flush()
    integration_repo.record_event(
        session,
        at=now,
        actor=user_id,
        action=SNOOZED,
        integration_id=None,
        detail={"owner": owner, "until": row.until.isoformat(), "snooze_id": row.id},
    )
    return row


def review_opened(session: Session, *, user_id: str, owner: str, now: datetime) -> None:
    """Record that the owner asked for the declaration prompt from a digest."""
    _require_owner(user_id, owner)
    integration_repo.record_event(
        session, at=now, actor=user_id, action=REVIEW_OPENED, integration_id=None, detail={}
    )


def snooze_digest(runtime: Runtime, *, user_id: str, owner: str, length: timedelta) -> datetime:
    """Snooze the owner's digests from now, in one unit of work; returns until when, in the
    owner's own time zone (as the directory last reported it)."""
    with runtime.unit_of_work() as session:
        row = snooze(session, user_id=user_id, owner=owner, length=length, now=runtime.clock.now())
        person = directory.known(session, user_ids=[user_id]).get(user_id)
        return row.until.astimezone(zone(person.tz if person else None))


def open_review(runtime: Runtime, *, user_id: str, owner: str) -> None:
    """`review_opened` as of now, in one unit of work."""
    with runtime.unit_of_work() as session:
        review_opened(session, user_id=user_id, owner=owner, now=runtime.clock.now())
