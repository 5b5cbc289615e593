"""review campaigns: a campaign, its frozen population, decisions, delegations and sign-offs;
and a Slack user's email, to keep reviewers off their own identities

Revision ID: 0008_campaigns
Revises: 0007_chained_events
Create Date: 2026-12-08 00:27:29

The population (campaign_item) and the three record tables are append-only: the database
refuses UPDATE and DELETE on them (and TRUNCATE on PostgreSQL), as 0001 and 0007 do for the
chain's own tables.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008_campaigns'
down_revision: str | Sequence[str] | None = '0007_chained_events'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


APPEND_ONLY = {
    "campaign_item": "the population of a campaign is frozen at launch",
    "campaign_decision": "campaign decisions are append-only",
    "campaign_delegation": "campaign delegations are append-only",
    "campaign_signoff": "campaign sign-offs are append-only",
}


def _create_append_only_guards() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table, message in APPEND_ONLY.items():
        if postgres:
            op.execute(
                f"CREATE FUNCTION {table}_append_only() RETURNS trigger AS $$"
                f" BEGIN RAISE EXCEPTION '{message}'; END; $$ LANGUAGE plpgsql"
            )
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}"
                f" FOR EACH ROW EXECUTE FUNCTION {table}_append_only()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}"
                f" FOR EACH STATEMENT EXECUTE FUNCTION {table}_append_only()"
            )
            continue
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table}"
                f" BEGIN SELECT RAISE(ABORT, '{message}'); END"
            )


def _drop_append_only_guards() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in APPEND_ONLY:
        if postgres:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {table}_append_only()")
            continue
        for action in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{action}")


def upgrade() -> None:
    op.create_table('campaign',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('started_by', sa.String(length=64), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_seq', sa.Integer(), nullable=True),
    sa.Column('population_root', sa.String(length=64), nullable=False),
    sa.Column('population_count', sa.Integer(), nullable=False),
    sa.Column('stale_reason', sa.String(length=1000), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_by', sa.String(length=64), nullable=True),
    sa.Column('closed_seq', sa.Integer(), nullable=True),
    sa.Column('close_rule', sa.Enum('leave', 'escalate', name='close_rule', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign')),
    sa.UniqueConstraint('closed_seq', name=op.f('uq_campaign_closed_seq')),
    sa.UniqueConstraint('name', name=op.f('uq_campaign_name')),
    sa.UniqueConstraint('started_seq', name=op.f('uq_campaign_started_seq'))
    )
    op.create_table('campaign_signoff',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('integration_id', sa.Integer(), nullable=False),
    sa.Column('decided', sa.Integer(), nullable=False),
    sa.Column('signed_by', sa.String(length=64), nullable=False),
    sa.Column('signed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_campaign_signoff_campaign_id_campaign')),
    sa.ForeignKeyConstraint(['integration_id'], ['integration.id'], name=op.f('fk_campaign_signoff_integration_id_integration')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_signoff')),
    sa.UniqueConstraint('campaign_id', 'integration_id', name=op.f('uq_campaign_signoff_campaign_id_integration_id')),
    sa.UniqueConstraint('seq', name=op.f('uq_campaign_signoff_seq'))
    )
    op.create_table('campaign_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('identity_id', sa.Integer(), nullable=False),
    sa.Column('integration_id', sa.Integer(), nullable=False),
    sa.Column('integration', sa.String(length=64), nullable=False),
    sa.Column('external_id', sa.String(length=255), nullable=False),
    sa.Column('display_name', sa.String(length=255), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=True),
    sa.Column('kind', sa.Enum('human', 'service_account', 'api_key', 'bot', 'group', name='kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('owned_by', sa.String(length=320), nullable=True),
    sa.Column('owner', sa.String(length=32), nullable=False),
    sa.Column('lane', sa.Enum('workforce', 'customer', 'remove', name='lane', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_campaign_item_campaign_id_campaign')),
    sa.ForeignKeyConstraint(['identity_id'], ['identity.id'], name=op.f('fk_campaign_item_identity_id_identity')),
    sa.ForeignKeyConstraint(['integration_id'], ['integration.id'], name=op.f('fk_campaign_item_integration_id_integration')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_item')),
    sa.UniqueConstraint('campaign_id', 'identity_id', name=op.f('uq_campaign_item_campaign_id_identity_id')),
    sa.UniqueConstraint('campaign_id', 'position', name=op.f('uq_campaign_item_campaign_id_position'))
    )
    with op.batch_alter_table('campaign_item', schema=None) as batch_op:
        batch_op.create_index('ix_campaign_item_campaign_id_integration_id', ['campaign_id', 'integration_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaign_item_identity_id'), ['identity_id'], unique=False)

    op.create_table('campaign_decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('integration_id', sa.Integer(), nullable=False),
    sa.Column('decision', sa.Enum('keep', 'change', 'remove', name='decision', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('previous', sa.Enum('workforce', 'customer', 'remove', name='previous', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('lane', sa.Enum('workforce', 'customer', 'remove', name='lane', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('reason', sa.String(length=1000), nullable=True),
    sa.Column('decided_by', sa.String(length=64), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_campaign_decision_campaign_id_campaign')),
    sa.ForeignKeyConstraint(['integration_id'], ['integration.id'], name=op.f('fk_campaign_decision_integration_id_integration')),
    sa.ForeignKeyConstraint(['item_id'], ['campaign_item.id'], name=op.f('fk_campaign_decision_item_id_campaign_item')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_decision')),
    sa.UniqueConstraint('seq', name=op.f('uq_campaign_decision_seq'))
    )
    with op.batch_alter_table('campaign_decision', schema=None) as batch_op:
        batch_op.create_index('ix_campaign_decision_campaign_id_item_id', ['campaign_id', 'item_id'], unique=False)

    op.create_table('campaign_delegation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('integration_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=True),
    sa.Column('delegate', sa.String(length=32), nullable=False),
    sa.Column('delegated_by', sa.String(length=64), nullable=False),
    sa.Column('delegated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_campaign_delegation_campaign_id_campaign')),
    sa.ForeignKeyConstraint(['integration_id'], ['integration.id'], name=op.f('fk_campaign_delegation_integration_id_integration')),
    sa.ForeignKeyConstraint(['item_id'], ['campaign_item.id'], name=op.f('fk_campaign_delegation_item_id_campaign_item')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_delegation')),
    sa.UniqueConstraint('seq', name=op.f('uq_campaign_delegation_seq'))
    )
    with op.batch_alter_table('campaign_delegation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_delegation_campaign_id'), ['campaign_id'], unique=False)

    with op.batch_alter_table('slack_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=320), nullable=True))
    _create_append_only_guards()


def downgrade() -> None:
    _drop_append_only_guards()
    with op.batch_alter_table('slack_user', schema=None) as batch_op:
        batch_op.drop_column('email')

    with op.batch_alter_table('campaign_delegation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_delegation_campaign_id'))

    op.drop_table('campaign_delegation')
    with op.batch_alter_table('campaign_decision', schema=None) as batch_op:
        batch_op.drop_index('ix_campaign_decision_campaign_id_item_id')

    op.drop_table('campaign_decision')
    with op.batch_alter_table('campaign_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_item_identity_id'))
        batch_op.drop_index('ix_campaign_item_campaign_id_integration_id')

    op.drop_table('campaign_item')
    op.drop_table('campaign_signoff')
    op.drop_table('campaign')
