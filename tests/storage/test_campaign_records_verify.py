"""`audit verify` checks the campaign records against the chain: a raw edit of any campaign row,
frozen item, decision, delegation or sign-off (by a schema owner who first drops the triggers),
or a deleted record, fails naming the table it is in."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.authorization import Actor
from bot.campaigns import closing, delegation, review
from storage.chain_check import verify_chain
from storage.engine import session_factory, session_scope
from storage.vocabulary import Answer, Decision
from tests.bot.campaign_setup import OWN, SVC, TENANT, UNDECLARED, inventory, launch
from tests.conftest import BACKUP, NOW, OWNER, STRANGER

GUARDED = ("campaign_item", "campaign_decision", "campaign_delegation", "campaign_signoff")


@pytest.fixture
def reviewed(engine: Engine) -> Engine:
    """A campaign with a decision of each kind, a delegation and a sign-off."""
    with session_scope(session_factory(engine)) as session:
        inventory(session)
        launch(session)
        owner = Actor(OWNER)
        delegation.delegate(
            session,
            actor=owner,
            campaign_name="q1-review",
            integration_name="acme-tenant",
            reviewer=STRANGER,
            now=NOW,
        )
        for actor, position, decision, lane, reason in (
            (Actor(BACKUP), OWN, Decision.CHANGE, Answer.WORKFORCE, "staff"),
            (owner, SVC, Decision.KEEP, None, None),
            (Actor(STRANGER), TENANT, Decision.KEEP, None, None),
            (owner, UNDECLARED, Decision.REMOVE, None, "gone"),
        ):
            review.decide(
                session,
                actor=actor,
                campaign_name="q1-review",
                position=position,
                decision=decision,
                lane=lane,
                reason=reason,
                now=NOW,
            )
        closing.sign_off(
            session, actor=owner, campaign_name="q1-review", integration_name="acme-tenant", now=NOW
        )
    return engine


def _drop_guards(connection: sa.Connection) -> None:
    for table in GUARDED:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"DROP TRIGGER {table}_append_only ON {table}")
            continue
        for action in ("update", "delete"):
            connection.exec_driver_sql(f"DROP TRIGGER {table}_no_{action}")


def _check(engine: Engine) -> tuple[bool, str | None]:
    with Session(engine) as session:
        check = verify_chain(session)
    return check.ok, check.table


def test_the_untouched_campaign_verifies(reviewed: Engine) -> None:
    assert _check(reviewed) == (True, None)


@pytest.mark.parametrize(
    ("statement", "table"),
    [
        ("UPDATE campaign SET due_on = '2027-06-30'", "campaign"),
        ("UPDATE campaign SET population_count = 3", "campaign"),
        ("UPDATE campaign SET stale_reason = 'none needed'", "campaign"),
        ("UPDATE campaign SET started_by = 'U0FORGED'", "campaign"),
        ("UPDATE campaign_item SET lane = 'customer' WHERE position = 2", "campaign_item"),
        ("UPDATE campaign_item SET owner = 'U0FORGED' WHERE position = 1", "campaign_item"),
        ("UPDATE campaign_item SET external_id = 'x' WHERE position = 3", "campaign_item"),
        ("DELETE FROM campaign_item WHERE position = 4", "campaign_item"),
        (
            "UPDATE campaign_decision SET reason = 'edited' WHERE reason = 'gone'",
            "campaign_decision",
        ),
        (
            "UPDATE campaign_decision SET lane = 'customer' WHERE decision = 'change'",
            "campaign_decision",
        ),
        ("UPDATE campaign_decision SET decided_by = 'U0FORGED'", "campaign_decision"),
        (
            "UPDATE campaign_decision SET decision = 'keep' WHERE decision = 'remove'",
            "campaign_decision",
        ),
        ("DELETE FROM campaign_decision WHERE decision = 'remove'", "campaign_decision"),
        ("UPDATE campaign_delegation SET delegate = 'U0FORGED'", "campaign_delegation"),
        ("UPDATE campaign_signoff SET signed_by = 'U0FORGED'", "campaign_signoff"),
        ("UPDATE campaign_signoff SET decided = 3", "campaign_signoff"),
        ("DELETE FROM campaign_signoff", "campaign_signoff"),
    ],
)
def test_a_raw_edit_of_a_campaign_record_fails_naming_its_table(
    reviewed: Engine, statement: str, table: str
) -> None:
    with reviewed.begin() as connection:
        _drop_guards(connection)
        if statement.startswith("DELETE FROM campaign_item"):
            connection.exec_driver_sql(
                "DELETE FROM campaign_decision WHERE item_id IN"
                " (SELECT id FROM campaign_item WHERE position = 4)"
            )
        connection.exec_driver_sql(statement)

    assert _check(reviewed) == (False, table)


def test_the_database_refuses_to_edit_a_decision(reviewed: Engine) -> None:
    with pytest.raises(sa.exc.DBAPIError), reviewed.begin() as connection:
        connection.exec_driver_sql("UPDATE campaign_decision SET reason = 'edited'")
