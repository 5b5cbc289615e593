"""`audit verify` checks the other records the chain indexes: a raw edit of a coverage claim, a
snooze, a finished sync run or a lane rule (by a schema owner; nothing stops a superuser) fails
naming its table, where the chain's own entry still says what was recorded."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from bot.authorization import Actor
from bot.connectors import ConnectorKind
from bot.coverage import claim_coverage
from bot.nudges.snooze import snooze
from bot.rules import add_rule
from bot.runtime import Runtime
from bot.sync import sync_integration
from storage.chain_check import verify_chain
from storage.vocabulary import Answer, CoverageKind, Layer
from tests.conftest import NOW, OWNER
from tests.connectors.helpers import connected


@pytest.fixture
def recorded(runtime: Runtime, owner: Actor, tmp_path: Path) -> Runtime:
    people = tmp_path / "people.csv"
    people.write_text("external_id,email,kind\na,a@acme.com,human\n", encoding="utf-8")
    connected(runtime, owner, "files", Layer.APPLICATION, ConnectorKind.CSV, path=str(people))
    sync_integration(runtime, actor=owner, integration_name="files")
    with runtime.unit_of_work() as session:
        claim_coverage(
            session,
            actor=owner,
            integration_name="files",
            kind=CoverageKind.SSO,
            value="enforced",
            evidence_url="https://tickets.example/SEC-9",
            review_days=90,
            now=NOW,
        )
        snooze(session, user_id=OWNER, owner=OWNER, length=timedelta(days=1), now=NOW)
        add_rule(
            session,
            actor=owner,
            integration_name="files",
            rule="domain:acme.com",
            answer=Answer.CUSTOMER,
            now=NOW,
        )
    return runtime


def _check(runtime: Runtime) -> tuple[bool, str | None]:
    with Session(runtime.engine) as session:
        check = verify_chain(session)
    return check.ok, check.table


def test_the_untouched_records_verify(recorded: Runtime) -> None:
    assert _check(recorded) == (True, None)


@pytest.mark.parametrize(
    ("statement", "table"),
    [
        ("UPDATE coverage_claim SET value = 'optional'", "coverage_claim"),
        ("UPDATE coverage_claim SET evidence_url = 'https://forged.example'", "coverage_claim"),
        ("UPDATE coverage_claim SET claimed_by = 'U0FORGED'", "coverage_claim"),
        ("UPDATE snooze SET until = created_at", "snooze"),
        ("UPDATE snooze SET owner = 'U0FORGED'", "snooze"),
        ("UPDATE sync_run SET seen = 999", "sync_run"),
        ("UPDATE sync_run SET connector_kind = 'okta'", "sync_run"),
        ("UPDATE lane_rule SET answer = 'workforce'", "lane_rule"),
        ("UPDATE lane_rule SET value = 'corp.example'", "lane_rule"),
    ],
)
def test_a_raw_edit_of_an_indexed_record_fails_naming_its_table(
    recorded: Runtime, statement: str, table: str
) -> None:
    with recorded.engine.begin() as connection:
        connection.execute(sa.text(statement))

    assert _check(recorded) == (False, table)
