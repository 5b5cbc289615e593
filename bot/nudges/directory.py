"""What Slack says about owners (`users.info`), cached in `slack_user`: time zone and whether the
account still exists."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from bot.nudges.pacing import Pacer
from storage.models import SlackUser

logger = logging.getLogger(__name__)

# Slack's answers that mean the bot token itself is no good: nothing else will work either.
AUTH_ERRORS = frozenset({"invalid_auth", "not_authed", "token_revoked", "token_expired"})
# Answers that mean the person is gone: deactivated, deleted or never existed here.
GONE_ERRORS = frozenset({"account_inactive", "user_not_found", "user_disabled", "users_not_found"})


class SlackAuthFailed(Exception):
    """The bot token was refused; the message names the Slack error, never the token."""


@dataclass(frozen=True)
class Person:
    user_id: str
    tz: str | None
    real_name: str | None
    is_active: bool


def slack_error(error: SlackApiError) -> str:
    response: Any = error.response
    try:
        return str(response.get("error") or f"http_{response.status_code}")
    except AttributeError:
        return "unknown_error"


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


def look_up(client: WebClient, user_id: str) -> Person | None:
    """Ask Slack about one user: a Person (inactive when gone), or None when Slack could not
    say. Raises SlackAuthFailed when the token is refused."""
    try:
        answer = client.users_info(user=user_id)
    except SlackApiError as error:
        code = slack_error(error)
        if code in AUTH_ERRORS:
            raise SlackAuthFailed(code) from None
        if code in GONE_ERRORS:
            return Person(user_id, None, None, is_active=False)
        logger.warning("users.info for %s failed: %s", user_id, code)
        return None
    except OSError as error:
        logger.warning("users.info for %s failed: %s", user_id, type(error).__name__)
        return None
    user = answer.get("user") or {}
    return Person(
        user_id=user_id,
        tz=user.get("tz"),
        real_name=user.get("real_name"),
        is_active=not user.get("deleted", False),
    )


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
    table: Any = SlackUser.__table__  # type: ignore[attr-defined]
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    insert = dialect.insert(table).values(**values)
    session.execute(insert.on_conflict_do_update(index_elements=["user_id"], set_=changes))


def refresh(
    session: Session,
    *,
    client: WebClient,
    user_ids: Iterable[str],
    pacer: Pacer,
    now: datetime,
) -> dict[str, Person]:
    """Look each user up (paced) and remember what Slack said; skips those Slack could not
    answer for."""
    learned: dict[str, Person] = {}
    for user_id in user_ids:
        pacer.wait()
        person = look_up(client, user_id)
        if person is None:
            continue
        remember(session, person=person, now=now)
        learned[user_id] = person
    return learned
