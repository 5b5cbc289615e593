"""What the bot's database role may do to each table on PostgreSQL, enforced after every
`boundary-bot db upgrade`.

docs/sql/roles.sql (storage/roles.py) names the bot's role once, through the migration role's
default privileges: every table a migration creates is readable, insertable and updatable by
the bot, and every sequence usable. Default privileges cannot make exceptions per table, so
`narrow` makes them here, after each upgrade, for every role but the tables' owner: the record
tables take rows and never change them, the replay guard forgets its old rows, only migrations
write `alembic_version`, and nobody but the owner may TRUNCATE, DELETE (except where the bot
prunes), REFERENCES or TRIGGER. A table added by a later migration gets the default (read,
insert, update) until it is named below.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import sqlalchemy as sa
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables on SQLModel.metadata)

READ, INSERT, UPDATE, DELETE = "SELECT", "INSERT", "UPDATE", "DELETE"
EVERY_PRIVILEGE = frozenset({READ, INSERT, UPDATE, DELETE, "TRUNCATE", "REFERENCES", "TRIGGER"})

# Append-only records: declarations (also refused by triggers, for every role), the audit
# events, lane rules, coverage claims and snoozes are only ever inserted; so are a campaign's
# frozen population and its decisions, delegations and sign-offs (also refused by triggers).
RECORD_TABLES = frozenset(
    {
        "declaration",
        "audit_event",
        "lane_rule",
        "coverage_claim",
        "snooze",
        "campaign_item",
        "campaign_decision",
        "campaign_delegation",
        "campaign_signoff",
    }
)
# Tables the bot deletes from: the replay guard prunes interactions older than an hour
# (storage/interactions.py), in the same unit of work as it records one.
PRUNED_TABLES = frozenset({"slack_interaction"})
# Written by migrations only; the bot reads it to refuse a schema that is behind.
MIGRATION_TABLES = frozenset({"alembic_version"})
# The chain's tip: one row, created by the first migration, locked and moved by every append.
HEAD_TABLES = frozenset({"audit_chain_head"})

DEFAULT = frozenset({READ, INSERT, UPDATE})


def allowed(table: str) -> frozenset[str]:
    """The privileges a role other than the owner may hold on `table`."""
    if table in RECORD_TABLES:
        return frozenset({READ, INSERT})
    if table in PRUNED_TABLES:
        return frozenset({READ, INSERT, DELETE})
    if table in MIGRATION_TABLES:
        return frozenset({READ})
    if table in HEAD_TABLES:
        return frozenset({READ, UPDATE})
    return DEFAULT


def known_tables() -> frozenset[str]:
    return frozenset(SQLModel.metadata.tables) | MIGRATION_TABLES


# Each privilege held on a table of the current schema by a role that does not own it;
# grantee 0 is PUBLIC.
_HELD = sa.text(
    """
    SELECT c.relname AS table_name, a.grantee = 0 AS is_public, r.rolname AS grantee,
           a.privilege_type
    FROM pg_class c
    CROSS JOIN LATERAL aclexplode(c.relacl) a
    LEFT JOIN pg_roles r ON r.oid = a.grantee
    WHERE c.relnamespace = to_regnamespace(current_schema())
      AND c.relkind IN ('r', 'p')
      AND a.grantee <> c.relowner
    """
)


def narrow(connection: sa.Connection, tables: Iterable[str] | None = None) -> list[str]:
    """Revoke from every non-owner what `allowed` does not give it, and give DELETE on a pruned
    table to each role that may insert into it. Returns the statements it ran (none when the
    privileges already fit). PostgreSQL only; run by the tables' owner (the migration role)."""
    wanted = frozenset(tables) if tables is not None else known_tables()
    quote = connection.dialect.identifier_preparer.quote
    held: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in connection.execute(_HELD):
        if row.table_name in wanted:
            grantee = "PUBLIC" if row.is_public else quote(row.grantee)
            held[(row.table_name, grantee)].add(row.privilege_type)
    statements = []
    for (table, grantee), privileges in sorted(held.items()):
        extra = privileges - allowed(table)
        if extra:
            statements.append(f"REVOKE {', '.join(sorted(extra))} ON {quote(table)} FROM {grantee}")
        if table in PRUNED_TABLES and INSERT in privileges and DELETE not in privileges:
            statements.append(f"GRANT DELETE ON {quote(table)} TO {grantee}")
    for statement in statements:
        connection.exec_driver_sql(statement)
    return statements
