"""indexes that let `who` find what people type: case-folded prefixes, email domains, owners

Revision ID: 0006_lookup_indexes
Revises: 0005_identity_details
Create Date: 2026-12-10 10:00:00

A prefix match is a range on a case-folded key, `lower(col) >= :p AND lower(col) < :p_next`,
which a btree serves only when it orders bytes: SQLite's default BINARY collation does, and on
PostgreSQL the key is lower(col COLLATE "C") (the database collation may be a locale's; lower()
then folds ASCII only, as SQLite's does). The domain of an
email is the text after its first '@' (instr on SQLite, strpos on PostgreSQL). The expressions
are written out here rather than imported from storage.matching, so this revision stays what it
was when that module changes; tests/storage/test_schema.py checks that they still agree.
Every index is plain CREATE INDEX on both backends: no table rebuild. SQLite cannot reflect
expression indexes, so a later SQLite batch rebuild of `identity` must recreate these by hand.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_lookup_indexes"
down_revision: str | Sequence[str] | None = "0005_identity_details"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Integration names are lowercase slugs: SQLite's unique index on the bare column serves their
# prefixes, and an expression index on `integration` would warn in every SQLite batch migration
# that reflects a table pointing at it. PostgreSQL needs a byte-ordered key of its own.
NAME_INDEX = "ix_integration_name_prefix"
# (index, table, column) of the case-folded prefix keys.
PREFIX_KEYS = (
    ("ix_identity_email_prefix", "identity", "email"),
    ("ix_identity_display_name_prefix", "identity", "display_name"),
    ("ix_identity_external_id_prefix", "identity", "external_id"),
)
DOMAIN_INDEX = "ix_identity_email_domain"
OWNER_INDEX = "ix_identity_owned_by"


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        op.create_index(NAME_INDEX, "integration", [sa.text('lower(name COLLATE "C")')])
    for index, table, column in PREFIX_KEYS:
        key = f'lower({column} COLLATE "C")' if postgresql else f"lower({column})"
        op.create_index(index, table, [sa.text(key)])
    position = "strpos(email, '@')" if postgresql else "instr(email, '@')"
    # (domain, email): a domain's first rows come out of the index in email order, unsorted.
    domain = sa.text(f"substr(email, {position} + 1)")
    op.create_index(DOMAIN_INDEX, "identity", [domain, sa.text("email")])
    # Partial: people own nothing, and an index full of NULLs reads to SQLite's ANALYZE as one
    # value shared by every row, which it would rather scan the table than look up.
    not_null = sa.text("owned_by IS NOT NULL")
    op.create_index(
        OWNER_INDEX, "identity", ["owned_by"], sqlite_where=not_null, postgresql_where=not_null
    )


def downgrade() -> None:
    op.drop_index(OWNER_INDEX, table_name="identity")
    op.drop_index(DOMAIN_INDEX, table_name="identity")
    for index, table, _column in reversed(PREFIX_KEYS):
        op.drop_index(index, table_name=table)
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index(NAME_INDEX, table_name="integration")
