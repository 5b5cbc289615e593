"""Deterministic bulk data for benchmarks: integrations, identities and a valid declaration chain.

Rows go in with SQLAlchemy Core bulk inserts in chunks, and the hash chain is computed in Python
with the same `chain_hash` the application uses, so `audit verify` passes on a seeded database.
Other benchmarks reuse `seed()`; call it on an empty, migrated database (see `migrated_engine`).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from storage import migrate
from storage.chain import chain_hash
from storage.engine import make_engine
from storage.models import GENESIS_HASH, AuditChainHead, Declaration, Identity, Integration

CHUNK = 10_000
SEED_NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
KINDS = ("human", "human", "human", "human", "service_account", "api_key", "bot", "group")
ROLES = ("member", "member", "reader", "admin", "owner")


@dataclass(frozen=True)
class SeedSummary:
    """What was seeded, and names that lookups can ask about."""

    integrations: int
    identities: int
    declarations: int
    owners: int
    seconds: float
    head_hash: str
    sample_integration: str
    sample_email: str
    sample_owner: str


def migrated_engine(url: str) -> Engine:
    """An engine on `url` with every migration applied."""
    engine = make_engine(url)
    migrate.upgrade(engine)
    return engine


def owner_id(number: int) -> str:
    return f"U{number:08d}"


def integration_name(number: int) -> str:
    return f"int-{number:06d}"


def identity_email(number: int, identities: int) -> str:
    # Two identities share each email (in different integrations), so cross-lane can happen.
    return f"user{number % max(identities // 2, 1):07d}@corp{number % 7}.example"


def _integration_rows(count: int, owners: int, now: datetime) -> Iterator[dict[str, Any]]:
    sso = ("enforced", "enforced", "optional", "none", "unknown")
    scim = ("enabled", "enabled", "platform-only", "none", "unknown")
    for n in range(1, count + 1):
        yield {
            "id": n,
            "name": integration_name(n),
            "layer": "platform" if n % 2 else "application",
            "owner": owner_id(n % owners),
            "backup_owner": owner_id((n + 1) % owners) if n % 3 == 0 else None,
            "channel": None,
            "sso": sso[n % len(sso)],
            "scim": scim[n % len(scim)],
            "sso_source": "manual",
            "scim_source": "manual",
            "owner_active": n % 100 != 0,
            "connector_kind": None,
            "connector_settings": {},
            "external_ref": None,
            "parent_id": None,
            "created_by": "bench",
            "created_at": now,
            "updated_at": now,
        }


def identity_row(
    number: int,
    *,
    integrations: int,
    identities: int,
    now: datetime,
    non_human_share: float | None = None,
) -> dict[str, Any]:
    """The identity with this 1-based number; integration `number % integrations + 1`.

    With `non_human_share`, that share of the identities are keys, service accounts and bots
    as an AI platform reports them (see `_non_human`); without it, the KINDS mix of CSV rows.
    """
    if non_human_share is not None and not _human_kind(number, non_human_share):
        return _non_human(
            number,
            integrations=integrations,
            identities=identities,
            now=now,
            share=non_human_share,
        )
    kind = KINDS[number % len(KINDS)]
    human = kind == "human"
    return {
        "id": number,
        "integration_id": number % integrations + 1,
        "external_id": f"ext-{number:08d}",
        "display_name": f"Identity {number}",
        "email": identity_email(number, identities) if human else None,
        "kind": kind,
        "role": ROLES[number % len(ROLES)],
        "status": "inactive" if number % 20 == 0 else "active",
        "owned_by": None,
        "last_used_at": now - timedelta(hours=number % 5000),
        "source": "csv",
        "first_seen_at": now,
        "last_seen_at": now,
        "current_declaration_id": None,
    }


NON_HUMAN_KINDS = ("api_key", "api_key", "api_key", "service_account", "bot")


def _human_kind(number: int, non_human_share: float) -> bool:
    """Whether identity `number` is one of the mix's people (or groups), not a key."""
    return (number * 37) % 100 >= round(non_human_share * 100)


def _person_near(number: int, integrations: int, identities: int, share: float) -> int | None:
    """The nearest other identity of the same integration that is a person."""
    for step in range(1, identities // integrations + 1):
        for candidate in (number - step * integrations, number + step * integrations):
            if not 1 <= candidate <= identities:
                continue
            if _human_kind(candidate, share) and KINDS[candidate % len(KINDS)] == "human":
                return candidate
    return None


def _non_human(
    number: int, *, integrations: int, identities: int, now: datetime, share: float
) -> dict[str, Any]:
    """A key, service account or bot from the OpenAI connector, so that every key rule reads
    its fields: owners that are people of the integration (some gone, some not people, some
    absent), last use spread over 400 days (a tenth never used), and one admin key in 50."""
    kind = NON_HUMAN_KINDS[number % len(NON_HUMAN_KINDS)]
    pick = (number * 13) % 100
    integration_id = number % integrations + 1
    # The owner is a person of the same integration, by external id (some of them inactive:
    # every 20th identity is), sometimes a name the source no longer lists, sometimes nobody.
    person = _person_near(number, integrations, identities, share)
    if pick < 80 and person is not None:
        owner: str | None = f"ext-{person:08d}"
    elif pick < 90:
        owner = f"gone-{number:08d}"
    else:
        owner = None
    never_used = (number * 7) % 10 == 0
    return {
        "id": number,
        "integration_id": integration_id,
        "external_id": f"ext-{number:08d}",
        "display_name": f"Key {number}",
        "email": None,
        "kind": kind,
        "role": "admin" if kind == "api_key" and number % 50 == 0 else "project: api key",
        "status": "inactive" if number % 20 == 0 else "active",
        "owned_by": owner,
        "last_used_at": None if never_used else now - timedelta(hours=number % 9600),
        "source": "openai",
        "first_seen_at": now - timedelta(days=number % 400),
        "last_seen_at": now,
        "current_declaration_id": None,
    }


def _answer(identity: int, integrations: int, round_: int) -> str:
    """Mostly the lane the integration's layer suggests; a few mismatches and removals."""
    platform = (identity % integrations + 1) % 2 == 1
    pick = (identity * 31 + round_ * 17) % 100
    if pick < 1:
        return "remove"
    if pick < 6:
        return "customer" if platform else "workforce"
    return "workforce" if platform else "customer"


def _insert(connection: Connection, table: sa.Table, rows: Iterator[dict[str, Any]]) -> int:
    """Bulk-load rows straight through the driver: COPY on PostgreSQL, executemany on SQLite.

    Values are converted to what SQLAlchemy's column types would send (UTC timestamps, JSON
    text, 0/1 booleans), so the rows are the ones the application would have written.
    """
    names = [column.name for column in table.c]
    postgres = connection.dialect.name == "postgresql"
    driver = connection.connection.dbapi_connection
    assert driver is not None
    total = 0
    if postgres:
        cursor = driver.cursor()
        with cursor.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([_postgres_value(row.get(name)) for name in names])
                total += 1
        return total
    statement = (
        f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})"
    )
    cursor = driver.cursor()
    chunk: list[list[Any]] = []
    for row in rows:
        chunk.append([_sqlite_value(row.get(name)) for name in names])
        if len(chunk) >= CHUNK:
            cursor.executemany(statement, chunk)
            total, chunk = total + len(chunk), []
    if chunk:
        cursor.executemany(statement, chunk)
        total += len(chunk)
    return total


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):  # UtcDateTime on SQLite: naive UTC, SQLAlchemy's format
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, dict):
        return json.dumps(value)
    return value


def _postgres_value(value: Any) -> Any:
    return json.dumps(value) if isinstance(value, dict) else value


def table_of(model: type[Any]) -> sa.Table:
    table = sa.inspect(model).local_table
    assert isinstance(table, sa.Table)
    return table


def seed(
    engine: Engine,
    *,
    integrations: int = 10_000,
    identities: int = 100_000,
    declarations: int = 300_000,
    owners: int | None = None,
    declared_share: float = 0.8,
    now: datetime = SEED_NOW,
    non_human_share: float | None = None,
) -> SeedSummary:
    """Fill an empty, migrated database; deterministic for the same arguments."""
    started = time.perf_counter()
    owners = owners or max(integrations // 4, 1)
    integration_table = table_of(Integration)
    identity_table = table_of(Identity)
    declaration_table = table_of(Declaration)
    head_table = table_of(AuditChainHead)
    declared = max(int(identities * declared_share), 1) if declarations else 0
    head = GENESIS_HASH

    def declaration_rows() -> Iterator[dict[str, Any]]:
        nonlocal head
        latest: dict[int, str] = {}
        # The chain spans 400 days, oldest first, so some current answers are stale.
        start = now - timedelta(days=400)
        step = timedelta(days=399) / max(declarations, 1)
        for seq in range(1, declarations + 1):
            identity = (seq - 1) % declared + 1
            answer = _answer(identity, integrations, (seq - 1) // declared)
            fields = {
                "identity_id": identity,
                "integration_id": identity % integrations + 1,
                "answer": answer,
                "previous": latest.get(identity),
                "declared_by": owner_id((identity % integrations + 1) % owners),
                "declared_at": start + step * seq,
                "note": "contractor with tenant access" if seq % 50 == 0 else None,
                "rule_id": None,
            }
            digest = chain_hash(head, seq, fields)
            yield {**fields, "id": seq, "seq": seq, "prev_hash": head, "hash": digest}
            head, latest[identity] = digest, answer

    with engine.begin() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # The random unique hashes make index pages miss the default 2 MB page cache;
            # seeding only, put back below.
            cache_size = connection.exec_driver_sql("PRAGMA cache_size").scalar_one()
            connection.exec_driver_sql("PRAGMA cache_size=-524288")
        _insert(connection, integration_table, _integration_rows(integrations, owners, now))
        _insert(
            connection,
            identity_table,
            (
                identity_row(
                    n,
                    integrations=integrations,
                    identities=identities,
                    now=now,
                    non_human_share=non_human_share,
                )
                for n in range(1, identities + 1)
            ),
        )
        _insert(connection, declaration_table, declaration_rows())
        if declarations:
            # One joined UPDATE (PostgreSQL, SQLite >= 3.33): a correlated subquery per row was
            # quadratic on freshly loaded PostgreSQL tables without statistics.
            connection.exec_driver_sql(
                "UPDATE identity SET current_declaration_id = newest.id FROM"
                " (SELECT identity_id, MAX(id) AS id FROM declaration GROUP BY identity_id)"
                " AS newest WHERE identity.id = newest.identity_id"
            )
        connection.execute(
            head_table.update().where(head_table.c.id == 1).values(seq=declarations, hash=head)
        )
        if connection.dialect.name == "postgresql":
            # Explicit ids leave the sequences behind; later inserts must not collide.
            for table in ("integration", "identity", "declaration"):
                connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                    f" (SELECT COALESCE(MAX(id), 1) FROM {table}))"
                )
            connection.exec_driver_sql("ANALYZE")
        else:
            connection.exec_driver_sql("ANALYZE")
        if sqlite:
            connection.exec_driver_sql(f"PRAGMA cache_size={int(cache_size)}")
    return SeedSummary(
        integrations=integrations,
        identities=identities,
        declarations=declarations,
        owners=owners,
        seconds=time.perf_counter() - started,
        head_hash=head,
        sample_integration=integration_name(max(integrations // 2, 1)),
        sample_email=identity_email(4, identities),
        sample_owner=owner_id(1 % owners),
    )


def identity_csv(rows: int, *, offset: int = 0) -> bytes:
    """A CSV import file of `rows` identities in the documented format."""
    lines = ["external_id,email,display_name,kind,role,status,last_used_at"]
    for n in range(offset + 1, offset + rows + 1):
        kind = KINDS[n % len(KINDS)]
        email = f"person{n:07d}@tenant.example" if kind == "human" else ""
        lines.append(
            f"csv-{n:08d},{email},Person {n},{kind},{ROLES[n % len(ROLES)]},"
            f"{'inactive' if n % 20 == 0 else 'active'},2026-11-{n % 28 + 1:02d}T08:00:00Z"
        )
    return ("\n".join(lines) + "\n").encode()
