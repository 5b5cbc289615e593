"""Slack interactions already acted on: recorded once by Slack's id, forgotten after a while."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from storage.models import SlackInteraction

# Slack refuses a signature older than five minutes, so a replay can come no later than that;
# rows are kept a good while longer, then pruned.
KEEP = timedelta(hours=1)


def first_sighting(session: Session, *, key: str, now: datetime) -> bool:
    """Record the interaction; False when it was already recorded (by any process)."""
    table: Any = SlackInteraction.__table__  # type: ignore[attr-defined]
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    insert = (
        dialect.insert(table)
        .values(key=key, seen_at=now)
        .on_conflict_do_nothing()
        .returning(table.c.key)
    )
    inserted = session.execute(insert).first() is not None
    if inserted:
        session.execute(
            sa.delete(SlackInteraction).where(col(SlackInteraction.seen_at) < now - KEEP)
        )
    return bool(inserted)
