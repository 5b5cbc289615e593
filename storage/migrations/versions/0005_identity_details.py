"""identity gains what sources report about non-human identities: created, expires, scopes, and
the project or workspace it belongs to

Revision ID: 0005_identity_details
Revises: 0004_anthropic_source
Create Date: 2026-12-09 10:00:00

All four columns are nullable (NULL: the source does not say), so both backends add them in
place: SQLite's ADD COLUMN needs no table rebuild for a nullable column without a default.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_identity_details"
down_revision: str | Sequence[str] | None = "0004_anthropic_source"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("source_created_at", "expires_at", "scopes", "container")


def upgrade() -> None:
    op.add_column("identity", sa.Column("source_created_at", sa.DateTime(timezone=True)))
    op.add_column("identity", sa.Column("expires_at", sa.DateTime(timezone=True)))
    op.add_column("identity", sa.Column("scopes", sa.String(length=255)))
    op.add_column("identity", sa.Column("container", sa.String(length=255)))


def downgrade() -> None:
    # Plain DROP COLUMN on both (SQLite has it since 3.35): a batch rebuild of `identity`
    # would orphan its declarations for a moment, see 0004.
    for name in reversed(COLUMNS):
        op.execute(f"ALTER TABLE identity DROP COLUMN {name}")
