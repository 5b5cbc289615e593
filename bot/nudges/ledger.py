"""The nudge ledger: claim a (owner, cycle) row before sending, record the outcome after.

Each step is its own short transaction, so a claim is visible to every replica before the
message leaves. The unique key (owner, cycle) makes a claim race have one winner; a failed row,
or a claim whose process died (older than the lease), can be claimed again by a later run.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from storage.models import Nudge
from storage.vocabulary import NudgeState

# Longer than one send can take with Slack's retries (Retry-After up to a minute, a few times).
CLAIM_LEASE = timedelta(minutes=10)
# A cycle's digest is tried at most this often for one owner, then left for the next cycle.
MAX_ATTEMPTS = 5
MAX_ERROR = 255


@dataclass(frozen=True)
class LedgerRow:
    owner: str
    cycle: str
    state: NudgeState
    claimed_at: datetime
    attempts: int


def rows_for(session: Session, *, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Any]:
    """The existing ledger rows for these (owner, cycle) keys."""
    wanted = set(keys)
    cycles = sorted({cycle for _, cycle in wanted})
    found: dict[tuple[str, str], LedgerRow] = {}
    if not cycles:
        return found
    query = sa.select(
        col(Nudge.owner),
        col(Nudge.cycle),
        col(Nudge.state),
        col(Nudge.claimed_at),
        col(Nudge.attempts),
    ).where(col(Nudge.cycle).in_(cycles))
    for row in session.execute(query):
        key = (row.owner, row.cycle)
        if key in wanted:
            found[key] = LedgerRow(
                row.owner, row.cycle, NudgeState(row.state), row.claimed_at, row.attempts
            )
    return found


def claimable(row: LedgerRow | None, *, now: datetime, lease: timedelta = CLAIM_LEASE) -> bool:
    """Whether a run may try to send this cycle's digest (a cheap pre-check; `claim` decides)."""
    if row is None:
        return True
    if row.attempts >= MAX_ATTEMPTS or row.state == NudgeState.SENT:
        return False
    return row.state == NudgeState.FAILED or row.claimed_at < now - lease


def claim(
    session: Session,
    *,
    owner: str,
    cycle: str,
    worker: str,
    now: datetime,
    summary: dict[str, Any],
    lease: timedelta = CLAIM_LEASE,
) -> int:
    """Try to own this cycle's digest for `owner`: the attempt this worker won (1 the first
    time, more when it retries a failed or abandoned one), or 0 if it lost. Commits."""
    values = {
        "owner": owner,
        "cycle": cycle,
        "state": NudgeState.CLAIMED,
        "claimed_by": worker[:128],
        "claimed_at": now,
        "attempts": 1,
        "summary": summary,
    }
    table = _table()
    insert = _insert_ignoring_duplicates(session).values(**values).returning(table.c.id)
    # Core on the session's connection: the ORM would add its own RETURNING and hide rowcount.
    connection = session.connection()
    if connection.execute(insert).first() is not None:
        session.commit()
        return 1
    # Someone holds the key. Take it over only if their attempt failed or their lease ran out;
    # the WHERE is re-checked under the row lock, so of two racing workers one updates it.
    retake = (
        sa.update(table)
        .where(
            col(Nudge.owner) == owner,
            col(Nudge.cycle) == cycle,
            col(Nudge.attempts) < MAX_ATTEMPTS,
            sa.or_(
                col(Nudge.state) == NudgeState.FAILED,
                sa.and_(
                    col(Nudge.state) == NudgeState.CLAIMED,
                    col(Nudge.claimed_at) < now - lease,
                ),
            ),
        )
        .values(
            state=NudgeState.CLAIMED,
            claimed_by=worker[:128],
            claimed_at=now,
            attempts=col(Nudge.attempts) + 1,
            error=None,
            summary=summary,
        )
        .returning(table.c.attempts)
    )
    attempt = connection.execute(retake).scalar()
    session.commit()
    return int(attempt or 0)


def _table() -> Any:
    return Nudge.__table__  # type: ignore[attr-defined]


def _insert_ignoring_duplicates(session: Session) -> Any:
    table = _table()
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing(index_elements=["owner", "cycle"])
    return sqlite.insert(table).on_conflict_do_nothing(index_elements=["owner", "cycle"])


def record_sent(
    session: Session, *, owner: str, cycle: str, channel: str | None, ts: str | None, now: datetime
) -> None:
    _set(session, owner, cycle, state=NudgeState.SENT, channel=channel, message_ts=ts, sent_at=now)


def record_failed(session: Session, *, owner: str, cycle: str, error: str) -> None:
    _set(session, owner, cycle, state=NudgeState.FAILED, error=error[:MAX_ERROR])


def _set(session: Session, owner: str, cycle: str, **values: Any) -> None:
    table = _table()
    session.connection().execute(
        sa.update(table).where(table.c.owner == owner, table.c.cycle == cycle).values(**values)
    )
    session.commit()
