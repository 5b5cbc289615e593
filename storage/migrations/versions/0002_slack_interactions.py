"""slack interactions acted on, for replay protection

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "slack_interaction",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_slack_interaction")),
    )
    op.create_index(
        op.f("ix_slack_interaction_seen_at"), "slack_interaction", ["seen_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_slack_interaction_seen_at"), table_name="slack_interaction")
    op.drop_table("slack_interaction")
