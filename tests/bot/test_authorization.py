"""Owners, backup owners and admins may write; anyone else is refused and nothing changes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from bot.authorization import Actor
from bot.csv_import import import_csv
from bot.declarations import declare, declare_remaining
from bot.errors import NotAllowed
from bot.identities import add_identity
from bot.integrations import change_owner, register_integration, set_coverage
from bot.rules import add_rule
from storage.vocabulary import Answer, Layer, ScimStatus
from tests.conftest import ADMIN, BACKUP, NOW, OWNER, STRANGER

WRITES: dict[str, Callable[[Session, Actor, int], Any]] = {
    "declare": lambda s, a, i: declare(s, actor=a, identity_id=i, answer=Answer.WORKFORCE, now=NOW),
    "declare_remaining": lambda s, a, _: declare_remaining(
        s, actor=a, integration_name="openai-platform", answer=Answer.WORKFORCE, now=NOW
    ),
    "add_rule": lambda s, a, _: add_rule(
        s,
        actor=a,
        integration_name="openai-platform",
        rule="domain:corp.com",
        answer=Answer.WORKFORCE,
        now=NOW,
    ),
    "add_identity": lambda s, a, _: add_identity(
        s, actor=a, integration_name="openai-platform", id_or_email="new@corp.com", now=NOW
    ),
    "change_owner": lambda s, a, _: change_owner(
        s, actor=a, name="openai-platform", owner="U0NEWOWNER", now=NOW
    ),
    "set_coverage": lambda s, a, _: set_coverage(
        s, actor=a, name="openai-platform", scim=ScimStatus.ENABLED, now=NOW
    ),
    "import_csv": lambda s, a, _: import_csv(
        s, actor=a, integration_name="openai-platform", data=b"external_id\nfrom-csv\n", now=NOW
    ),
}

TABLES = ("integration", "identity", "declaration", "lane_rule", "audit_event", "audit_chain_head")


def _snapshot(session: Session) -> dict[str, list[Any]]:
    session.flush()
    return {
        table: [tuple(row) for row in session.execute(sa.text(f"SELECT * FROM {table} ORDER BY 1"))]
        for table in TABLES
    }


@pytest.fixture
def identity_id(session: Session) -> int:
    register_integration(
        session,
        actor=Actor(OWNER),
        name="openai-platform",
        layer=Layer.PLATFORM,
        backup_owner=BACKUP,
        now=NOW,
    )
    identity = add_identity(
        session,
        actor=Actor(OWNER),
        integration_name="openai-platform",
        id_or_email="a@corp.com",
        now=NOW,
    )
    return identity.id or 0


@pytest.mark.parametrize("write", sorted(WRITES))
def test_stranger_is_refused_and_nothing_changes(
    session: Session, identity_id: int, write: str
) -> None:
    before = _snapshot(session)

    with pytest.raises(NotAllowed, match="Only the owner of `openai-platform`"):
        WRITES[write](session, Actor(STRANGER), identity_id)

    assert _snapshot(session) == before


@pytest.mark.parametrize("write", sorted(WRITES))
@pytest.mark.parametrize(
    "actor", [Actor(OWNER), Actor(BACKUP), Actor(ADMIN, is_admin=True)], ids=lambda a: a.user_id
)
def test_owner_backup_and_admin_may_write(
    session: Session, identity_id: int, write: str, actor: Actor
) -> None:
    WRITES[write](session, actor, identity_id)


def test_admin_is_whoever_the_settings_list() -> None:
    admins = frozenset({ADMIN})

    assert Actor.slack_user(ADMIN, admins).is_admin
    assert not Actor.slack_user(STRANGER, admins).is_admin


def test_the_former_owner_loses_the_right_to_write(session: Session, identity_id: int) -> None:
    change_owner(session, actor=Actor(OWNER), name="openai-platform", owner="U0NEWOWNER", now=NOW)

    with pytest.raises(NotAllowed):
        declare(
            session, actor=Actor(OWNER), identity_id=identity_id, answer=Answer.CUSTOMER, now=NOW
        )
