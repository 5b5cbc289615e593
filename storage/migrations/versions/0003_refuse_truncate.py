"""refuse TRUNCATE on declaration, for every role

Revision ID: 0003_refuse_truncate
Revises: 0002
Create Date: 2026-12-07 10:00:00

The append-only trigger of 0001 fires for each row an UPDATE or DELETE touches; TRUNCATE
touches no row, so it skipped that trigger and let the tables' owner empty the record in one
statement. A statement-level trigger refuses it too (also when TRUNCATE reaches declaration
through CASCADE): the owner must drop the trigger first, and the chain head kept outside the
database still shows it. The bot's role cannot TRUNCATE at all (storage/privileges.py) nor drop
a trigger (only the owner may). SQLite has no TRUNCATE; its DELETE trigger covers
`DELETE FROM declaration`.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003_refuse_truncate"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # The function of 0001 raises 'declarations are append-only' whatever fired it.
    op.execute(
        "CREATE TRIGGER declaration_no_truncate BEFORE TRUNCATE ON declaration "
        "FOR EACH STATEMENT EXECUTE FUNCTION declaration_append_only()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS declaration_no_truncate ON declaration")
