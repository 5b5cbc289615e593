"""The `who` lookup indexes (migration 0006) that a fresh schema builds from the models are the
ones the migrations build, expression for expression: SQLite cannot reflect expression indexes,
so the schema drift check (test_schema.py) skips them there; this compares their DDL as each
backend stores it."""

from __future__ import annotations

import re
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables)
from storage.engine import make_engine

LOOKUP_INDEXES = {
    "ix_identity_email_prefix",
    "ix_identity_display_name_prefix",
    "ix_identity_external_id_prefix",
    "ix_identity_email_domain",
    "ix_identity_owned_by",
}
# PostgreSQL only: SQLite's unique index on the bare name serves name prefixes.
POSTGRES_ONLY = {"ix_integration_name_prefix"}
FRESH = "fresh_schema"


def _definitions(connection: Connection, schema: str | None) -> dict[str, str]:
    if connection.dialect.name == "sqlite":
        rows = connection.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        )
    else:
        rows = connection.execute(
            sa.text("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = :schema"),
            {"schema": schema or "public"},
        )
    wanted = LOOKUP_INDEXES | (POSTGRES_ONLY if connection.dialect.name != "sqlite" else set())
    return {
        name: re.sub(r"\s+", " ", sql.replace(f"{schema}.", "").replace("public.", "")).lower()
        for name, sql in rows
        if name in wanted
    }


def _fresh_sqlite(tmp_path: Path) -> dict[str, str]:
    fresh = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    SQLModel.metadata.create_all(fresh)
    with fresh.connect() as connection:
        found = _definitions(connection, None)
    fresh.dispose()
    return found


def _fresh_postgres(engine: Engine) -> dict[str, str]:
    with engine.begin() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA {FRESH}")
        translated = connection.execution_options(schema_translate_map={None: FRESH})
        SQLModel.metadata.create_all(translated)
        return _definitions(connection, FRESH)


def test_a_fresh_schema_has_the_migrated_lookup_indexes(engine: Engine, tmp_path: Path) -> None:
    with engine.connect() as connection:
        migrated = _definitions(connection, None)
    fresh = _fresh_sqlite(tmp_path) if engine.dialect.name == "sqlite" else _fresh_postgres(engine)

    expected = LOOKUP_INDEXES | (POSTGRES_ONLY if engine.dialect.name != "sqlite" else set())
    assert set(migrated) == expected
    assert fresh == migrated


def test_sqlite_has_no_expression_index_on_integration(engine: Engine) -> None:
    """A batch rebuild of any table pointing at `integration` reflects it, and an expression
    index there would warn in every such SQLite migration."""
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as connection:
        sql = connection.exec_driver_sql(
            "SELECT group_concat(sql) FROM sqlite_master WHERE type = 'index'"
            " AND tbl_name = 'integration'"
        ).scalar()
    assert "lower(" not in (sql or "")
