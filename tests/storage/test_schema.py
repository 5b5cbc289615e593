"""The migrated schema is the models' schema, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables)
from storage import migrate

# SQLite cannot reflect expression indexes (the `who` lookup keys, migration 0006), so neither
# side's are compared there; tests/storage/test_lookup_indexes.py compares them.
pytestmark = [
    pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based"),
    pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based"),
]


def _drift(engine: Engine, metadata: sa.MetaData) -> list[Any]:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, metadata))


def test_migrated_schema_matches_models(engine: Engine) -> None:
    assert _drift(engine, SQLModel.metadata) == []


def test_drift_check_notices_a_column_the_migrations_lack(engine: Engine) -> None:
    metadata = sa.MetaData()
    for table in SQLModel.metadata.sorted_tables:
        table.to_metadata(metadata)
    metadata.tables["identity"].append_column(sa.Column("nickname", sa.String(32)))

    differences = _drift(engine, metadata)

    assert [(d[0], d[3].name) for d in differences] == [("add_column", "nickname")]


def test_every_lookup_column_is_indexed(engine: Engine) -> None:
    inspector = sa.inspect(engine)

    def indexed(table: str) -> set[str]:
        columns = {c for ix in inspector.get_indexes(table) for c in ix["column_names"] if c}
        uniques = {c for uq in inspector.get_unique_constraints(table) for c in uq["column_names"]}
        return columns | uniques

    assert {"name", "owner", "backup_owner"} <= indexed("integration")
    assert {"external_id", "email", "integration_id"} <= indexed("identity")
    assert {"identity_id", "seq", "prev_hash", "hash"} <= indexed("declaration")


def test_no_migration_is_pending_after_upgrade(engine: Engine) -> None:
    assert migrate.pending(engine) == []


def test_downgrade_to_base_and_upgrade_again(engine: Engine) -> None:
    from alembic import command

    with engine.begin() as connection:
        config = migrate.alembic_config(engine)
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    assert "declaration" not in sa.inspect(engine).get_table_names()

    migrate.upgrade(engine)

    assert _drift(engine, SQLModel.metadata) == []
