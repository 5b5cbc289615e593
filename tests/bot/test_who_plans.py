"""Every query `who` runs is served by an index, on SQLite and PostgreSQL: each statement a
lookup executes is captured and EXPLAINed on the same connection.

PostgreSQL may prefer a sequential scan of a table this small, so its plans are taken with
sequential scans priced out (`enable_seqscan = off`): a scan that remains is one no index can
serve (a collation that does not match the index, an expression that is not the indexed one).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from bot.who import who
from storage.models import Identity
from tests.bot.who_inventory import build_inventory
from tests.conftest import NOW, OWNER

# query -> the indexes its plans must name, by backend.
USES = {
    "openai": {
        "sqlite": {"sqlite_autoindex_integration_1", "ix_identity_email_prefix"},
        "postgresql": {"ix_integration_name_prefix", "ix_identity_email_prefix"},
    },
    "Dev One": {
        "sqlite": {"ix_identity_display_name_prefix", "ix_identity_external_id_prefix"},
        "postgresql": {"ix_identity_display_name_prefix", "ix_identity_external_id_prefix"},
    },
    "acme.com": {
        "sqlite": {"ix_identity_email_domain"},
        "postgresql": {"ix_identity_email_domain"},
    },
    "dev1@acme.com": {
        "sqlite": {"ix_identity_email", "ix_identity_owned_by"},
        "postgresql": {"ix_identity_email", "ix_identity_owned_by"},
    },
    "openai-platfrom": {
        "sqlite": {"ix_identity_email_prefix", "ix_identity_external_id_prefix"},
        "postgresql": {"ix_identity_email_prefix", "ix_identity_external_id_prefix"},
    },
    OWNER: {
        "sqlite": {"ix_integration_owner", "ix_identity_owned_by"},
        "postgresql": {"ix_integration_owner", "ix_identity_owned_by"},
    },
}


@contextmanager
def captured(session: Session) -> Iterator[list[tuple[str, Any]]]:
    statements: list[tuple[str, Any]] = []
    engine = session.get_bind()

    def grab(_c: object, _cur: object, statement: str, parameters: Any, *_rest: object) -> None:
        if not statement.startswith("EXPLAIN") and statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", grab)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", grab)


def plans(session: Session, query: str) -> list[tuple[str, str]]:
    """(statement, plan) of every SELECT that `who` runs for `query`."""
    with captured(session) as statements:
        who(session, query=query)
    connection = session.connection()
    sqlite = connection.dialect.name == "sqlite"
    if not sqlite:
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    found = []
    for statement, parameters in statements:
        explain = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN "
        rows = connection.exec_driver_sql(explain + statement, parameters).all()
        found.append((statement, "\n".join(str(row[-1] if sqlite else row[0]) for row in rows)))
    return found


# Did-you-mean reads the first integration names in index order, under a LIMIT.
NAMES_IN_ORDER = "SCAN integration USING COVERING INDEX sqlite_autoindex_integration_1"


def _full_scans(statement: str, plan: str, sqlite: bool) -> list[str]:
    lines = [line.strip() for line in plan.splitlines()]
    if sqlite:
        # `SCAN t` reads the table; `SCAN t USING INDEX` reads all of an index, which only
        # did-you-mean's bounded read of integration names may do.
        allowed = NAMES_IN_ORDER if "AS what" in statement else None
        return [
            line
            for line in lines
            if line.startswith(("SCAN identity", "SCAN integration", "SCAN person"))
            and line != allowed
        ]
    tables = ("Seq Scan on identity", "Seq Scan on integration")
    return [line for line in lines if any(table in line for table in tables)]


@pytest.fixture
def inventory(session: Session) -> Session:
    build_inventory(session)
    session.flush()
    return session


@pytest.mark.parametrize("query", list(USES))
def test_every_who_query_is_served_by_an_index(inventory: Session, query: str) -> None:
    backend = inventory.connection().dialect.name
    found = plans(inventory, query)

    assert found
    for statement, plan in found:
        assert _full_scans(statement, plan, backend == "sqlite") == [], plan
    named = "\n".join(plan for _statement, plan in found)
    assert {index for index in USES[query][backend] if index not in named} == set(), named


def test_the_owner_index_is_used_once_statistics_say_most_identities_own_nothing(
    inventory: Session,
) -> None:
    # People own nothing: an index on owned_by full of NULLs read to SQLite's ANALYZE as one
    # value shared by every row, and the owned-keys branch became a table scan.
    integration_id = inventory.exec(select(Identity.integration_id)).first()
    for number in range(300):
        inventory.add(
            Identity(
                integration_id=integration_id or 0,
                external_id=f"person-{number}",
                email=f"person{number}@corp.com",
                first_seen_at=NOW,
                last_seen_at=NOW,
            )
        )
    inventory.flush()
    inventory.connection().exec_driver_sql("ANALYZE")
    backend = inventory.connection().dialect.name

    for statement, plan in plans(inventory, "dev1@acme.com"):
        assert _full_scans(statement, plan, backend == "sqlite") == [], plan
