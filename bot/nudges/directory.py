"""What the directory says about owners (time zone, whether the account still exists), cached
in `slack_user` and refreshed through the Messenger port."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from bot.nudges.messenger import Messenger, Person
from bot.nudges.pacing import Pacer
from storage.models import SlackUser

logger = logging.getLogger(__name__)


def known(session: Session, *, user_ids: Iterable[str] | None = None) -> dict[str, Person]:
    """The cached answers, for the given users or everyone."""
    query = sa.select(
        col(SlackUser.user_id),
        col(SlackUser.tz),
        col(SlackUser.real_name),
        col(SlackUser.is_active),
    )
    wanted = None if user_ids is None else set(user_ids)
    return {
        row.user_id: Person(row.user_id, row.tz, row.real_name, row.is_active)
        for row in session.execute(query)
        if wanted is None or row.user_id in wanted
    }


def remember(session: Session, *, person: Person, now: datetime) -> None:
    """Upsert the cache row; replicas may learn about the same user at the same moment."""
    values: dict[str, Any] = {
        "user_id": person.user_id,
        "is_active": person.is_active,
        "checked_at": now,
    }
    # A gone user's answer carries no time zone; keep the last one we knew.
    changes = dict(values)
    if person.tz is not None:
        values["tz"] = changes["tz"] = person.tz
    if person.real_name is not None:
        values["real_name"] = changes["real_name"] = person.real_name
    if person.email is not None:
        values["email"] = changes["email"] = person.email.lower()
    table: Any = SlackUser.__table__  # type: ignore[attr-defined]
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    insert = dialect.insert(table).values(**values)
    session.execute(insert.on_conflict_do_update(index_elements=["user_id"], set_=changes))


def refresh(
    session: Session,
    *,
    messenger: Messenger,
    user_ids: Iterable[str],
    pacer: Pacer,
    now: datetime,
) -> dict[str, Person]:
    """Look each user up (paced) and remember what Slack said; skips those Slack could not
    answer for."""
    learned: dict[str, Person] = {}
    for user_id in user_ids:
        pacer.wait()
        person = messenger.look_up(user_id)
        if person is None:
            continue
        remember(session, person=person, now=now)
        learned[user_id] = person
    return learned
