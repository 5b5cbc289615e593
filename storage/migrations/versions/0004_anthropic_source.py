"""identity.source accepts anthropic (the Claude platform Admin API connector)

Revision ID: 0004_anthropic_source
Revises: 0003_refuse_truncate
Create Date: 2026-12-08 10:00:00

`source` is a VARCHAR with a CHECK constraint (storage.types.enum_type), so a new source is a
new constraint. PostgreSQL swaps the constraint in place. SQLite cannot alter a constraint, so
the table is rebuilt from its own stored definition with only that CHECK changed; declarations
point at identity rows, and the rebuild runs inside the migration's one transaction (where
foreign keys cannot be switched off), so the checks are deferred to the commit, which fails if
a single declaration lost its identity.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_anthropic_source"
down_revision: str | Sequence[str] | None = "0003_refuse_truncate"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CONSTRAINT = "ck_identity_source"
BEFORE = ("manual", "csv", "scim", "openai", "workos", "okta")
AFTER = (*BEFORE, "anthropic")


def _check(values: tuple[str, ...]) -> str:
    return "source IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def upgrade() -> None:
    _replace_check(BEFORE, AFTER)


def downgrade() -> None:
    left = op.get_bind().execute(
        sa.text("SELECT count(*) FROM identity WHERE source = 'anthropic'")
    ).scalar()
    if left:
        raise RuntimeError(
            f"{left} identities came from the anthropic connector; the previous schema cannot"
            " hold them (delete them, or keep this revision)"
        )
    _replace_check(AFTER, BEFORE)


def _replace_check(old: tuple[str, ...], new: tuple[str, ...]) -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_sqlite(_check(old), _check(new))
        return
    op.drop_constraint(op.f(CONSTRAINT), "identity", type_="check")
    op.create_check_constraint(op.f(CONSTRAINT), "identity", _check(new))


def _rebuild_sqlite(old: str, new: str) -> None:
    bind = op.get_bind()
    table_sql = bind.execute(
        sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'identity'")
    ).scalar()
    old_clause = f"CONSTRAINT {CONSTRAINT} CHECK ({old})"
    if not isinstance(table_sql, str) or table_sql.count(old_clause) != 1:
        raise RuntimeError(f"identity's {CONSTRAINT} is not the one this migration expects")
    indexes = list(
        bind.execute(
            sa.text(
                "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'identity'"
                " AND sql IS NOT NULL"
            )
        ).scalars()
    )
    # Deferred until the commit: dropping `identity` orphans every declaration for a moment,
    # and putting each row back re-attaches its declarations.
    op.execute("PRAGMA defer_foreign_keys = ON")
    op.execute("CREATE TABLE _identity_rows AS SELECT * FROM identity")
    op.execute("DROP TABLE identity")
    op.execute(table_sql.replace(old_clause, f"CONSTRAINT {CONSTRAINT} CHECK ({new})"))
    op.execute("INSERT INTO identity SELECT * FROM _identity_rows")
    op.execute("DROP TABLE _identity_rows")
    for index_sql in indexes:
        op.execute(index_sql)
