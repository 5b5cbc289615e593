"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-29 03:21:31.254594
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0001'
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    
    op.create_table('audit_chain_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_chain_head'))
    )
    op.create_table('integration',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('layer', sa.Enum('platform', 'application', name='layer', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('owner', sa.String(length=32), nullable=False),
    sa.Column('backup_owner', sa.String(length=32), nullable=True),
    sa.Column('channel', sa.String(length=32), nullable=True),
    sa.Column('sso', sa.Enum('enforced', 'optional', 'none', 'unknown', name='sso', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('scim', sa.Enum('enabled', 'platform-only', 'none', 'unknown', name='scim', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('sso_source', sa.String(length=32), nullable=True),
    sa.Column('scim_source', sa.String(length=32), nullable=True),
    sa.Column('owner_active', sa.Boolean(), nullable=False),
    sa.Column('connector_kind', sa.String(length=32), nullable=True),
    sa.Column('connector_settings', sa.JSON(), nullable=False),
    sa.Column('external_ref', sa.String(length=255), nullable=True),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['integration.id'], name=op.f('fk_integration_parent_id_integration')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_integration')),
    sa.UniqueConstraint('name', name=op.f('uq_integration_name'))
    )
    with op.batch_alter_table('integration', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_integration_backup_owner'), ['backup_owner'], unique=False)
        batch_op.create_index(batch_op.f('ix_integration_external_ref'), ['external_ref'], unique=False)
        batch_op.create_index(batch_op.f('ix_integration_owner'), ['owner'], unique=False)
        batch_op.create_index(batch_op.f('ix_integration_parent_id'), ['parent_id'], unique=False)

    op.create_table('nudge',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner', sa.String(length=32), nullable=False),
    sa.Column('cycle', sa.String(length=32), nullable=False),
    sa.Column('state', sa.Enum('claimed', 'sent', 'failed', name='state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('claimed_by', sa.String(length=128), nullable=False),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=32), nullable=True),
    sa.Column('message_ts', sa.String(length=32), nullable=True),
    sa.Column('error', sa.String(length=255), nullable=True),
    sa.Column('summary', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_nudge')),
    sa.UniqueConstraint('owner', 'cycle', name=op.f('uq_nudge_owner_cycle'))
    )
    with op.batch_alter_table('nudge', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_nudge_owner'), ['owner'], unique=False)

    op.create_table('slack_user',
    sa.Column('user_id', sa.String(length=32), nullable=False),
    sa.Column('tz', sa.String(length=64), nullable=True),
    sa.Column('real_name', sa.String(length=255), nullable=True),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('checked_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_slack_user'))
    )
    op.create_table('snooze',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner', sa.String(length=32), nullable=False),
    sa.Column('until', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_snooze'))
    )
    with op.batch_alter_table('snooze', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_snooze_owner'), ['owner'], unique=False)

    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('integration_id', sa.Integer(), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['integration_id'], ['integration.id'], name=op.f('fk_audit_event_integration_id_integration')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_integration_id'), ['integration_id'], unique=False)

    op.create_table('coverage_claim',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('integration_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('sso', 'scim', name='kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('value', sa.String(length=32), nullable=False),
    sa.Column('evidence_url', sa.String(length=1000), nullable=True),
    sa.Column('claimed_by', sa.String(length=64), nullable=False),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['integration_id'], ['integration.id'], name=op.f('fk_coverage_claim_integration_id_integration')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coverage_claim'))
    )
    with op.batch_alter_table('coverage_claim', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coverage_claim_integration_id'), ['integration_id'], unique=False)

    op.create_table('identity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('integration_id', sa.Integer(), nullable=False),
    sa.Column('external_id', sa.String(length=255), nullable=False),
    sa.Column('display_name', sa.String(length=255), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=True),
    sa.Column('kind', sa.Enum('human', 'service_account', 'api_key', 'bot', 'group', name='kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('role', sa.String(length=128), nullable=True),
    sa.Column('status', sa.Enum('active', 'inactive', name='status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('owned_by', sa.String(length=320), nullable=True),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('source', sa.Enum('manual', 'csv', 'scim', 'openai', 'workos', 'okta', name='source', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('first_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('current_declaration_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['current_declaration_id'], ['declaration.id'], name=op.f('fk_identity_current_declaration_id_declaration'), use_alter=True),
    sa.ForeignKeyConstraint(['integration_id'], ['integration.id'], name=op.f('fk_identity_integration_id_integration')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_identity')),
    sa.UniqueConstraint('integration_id', 'external_id', name=op.f('uq_identity_integration_id_external_id'))
    )
    with op.batch_alter_table('identity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_identity_email'), ['email'], unique=False)
        batch_op.create_index(batch_op.f('ix_identity_external_id'), ['external_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_identity_integration_id'), ['integration_id'], unique=False)

    op.create_table('lane_rule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('integration_id', sa.Integer(), nullable=False),
    sa.Column('match', sa.Enum('domain', 'kind', 'role', name='match', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('value', sa.String(length=255), nullable=False),
    sa.Column('answer', sa.Enum('workforce', 'customer', 'remove', name='answer', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['integration_id'], ['integration.id'], name=op.f('fk_lane_rule_integration_id_integration')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lane_rule')),
    sa.UniqueConstraint('integration_id', 'match', 'value', name=op.f('uq_lane_rule_integration_id_match_value'))
    )
    with op.batch_alter_table('lane_rule', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lane_rule_integration_id'), ['integration_id'], unique=False)

    op.create_table('sync_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('integration_id', sa.Integer(), nullable=False),
    sa.Column('connector_kind', sa.String(length=32), nullable=False),
    sa.Column('state', sa.Enum('running', 'ok', 'failed', name='state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('seen', sa.Integer(), nullable=False),
    sa.Column('created', sa.Integer(), nullable=False),
    sa.Column('updated', sa.Integer(), nullable=False),
    sa.Column('deactivated', sa.Integer(), nullable=False),
    sa.Column('error', sa.String(length=1000), nullable=True),
    sa.Column('owner_told', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['integration_id'], ['integration.id'], name=op.f('fk_sync_run_integration_id_integration')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_run'))
    )
    with op.batch_alter_table('sync_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sync_run_integration_id'), ['integration_id'], unique=False)

    op.create_table('declaration',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('identity_id', sa.Integer(), nullable=False),
    sa.Column('integration_id', sa.Integer(), nullable=False),
    sa.Column('answer', sa.Enum('workforce', 'customer', 'remove', name='answer', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('previous', sa.Enum('workforce', 'customer', 'remove', name='previous', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('declared_by', sa.String(length=64), nullable=False),
    sa.Column('declared_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('note', sa.String(length=1000), nullable=True),
    sa.Column('rule_id', sa.Integer(), nullable=True),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['identity_id'], ['identity.id'], name=op.f('fk_declaration_identity_id_identity')),
    sa.ForeignKeyConstraint(['integration_id'], ['integration.id'], name=op.f('fk_declaration_integration_id_integration')),
    sa.ForeignKeyConstraint(['rule_id'], ['lane_rule.id'], name=op.f('fk_declaration_rule_id_lane_rule')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_declaration')),
    sa.UniqueConstraint('hash', name=op.f('uq_declaration_hash')),
    sa.UniqueConstraint('prev_hash', name=op.f('uq_declaration_prev_hash')),
    sa.UniqueConstraint('seq', name=op.f('uq_declaration_seq'))
    )
    with op.batch_alter_table('declaration', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_declaration_identity_id'), ['identity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_declaration_integration_id'), ['integration_id'], unique=False)

    if op.get_bind().dialect.name != "sqlite":
        # identity and declaration point at each other; SQLite takes the key inline.
        op.create_foreign_key(
            op.f("fk_identity_current_declaration_id_declaration"),
            "identity",
            "declaration",
            ["current_declaration_id"],
            ["id"],
        )
    op.execute("INSERT INTO audit_chain_head (id, seq, hash) VALUES (1, 0, '" + "0" * 64 + "')")
    _create_append_only_guard()


# Declarations are append-only: the database itself refuses to change or delete one, so a
# mistaken script or a compromised replica cannot quietly rewrite an answer. The hash chain
# still detects what someone with rights to drop this guard does.
APPEND_ONLY_MESSAGE = "declarations are append-only"


def _create_append_only_guard() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"""
            CREATE FUNCTION declaration_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}';
            END;
            $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            "CREATE TRIGGER declaration_append_only BEFORE UPDATE OR DELETE ON declaration "
            "FOR EACH ROW EXECUTE FUNCTION declaration_append_only()"
        )
        return
    for action in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER declaration_no_{action.lower()} BEFORE {action} ON declaration "
            f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
        )


def _drop_append_only_guard() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS declaration_append_only ON declaration")
        op.execute("DROP FUNCTION IF EXISTS declaration_append_only()")
        return
    for action in ("update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS declaration_no_{action}")

def downgrade() -> None:
    _drop_append_only_guard()
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(
            op.f("fk_identity_current_declaration_id_declaration"), "identity", type_="foreignkey"
        )
    with op.batch_alter_table('declaration', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_declaration_integration_id'))
        batch_op.drop_index(batch_op.f('ix_declaration_identity_id'))

    op.drop_table('declaration')
    with op.batch_alter_table('sync_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sync_run_integration_id'))

    op.drop_table('sync_run')
    with op.batch_alter_table('lane_rule', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lane_rule_integration_id'))

    op.drop_table('lane_rule')
    with op.batch_alter_table('identity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_identity_integration_id'))
        batch_op.drop_index(batch_op.f('ix_identity_external_id'))
        batch_op.drop_index(batch_op.f('ix_identity_email'))

    op.drop_table('identity')
    with op.batch_alter_table('coverage_claim', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coverage_claim_integration_id'))

    op.drop_table('coverage_claim')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_integration_id'))
        batch_op.drop_index(batch_op.f('ix_audit_event_at'))

    op.drop_table('audit_event')
    with op.batch_alter_table('snooze', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_snooze_owner'))

    op.drop_table('snooze')
    op.drop_table('slack_user')
    with op.batch_alter_table('nudge', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_nudge_owner'))

    op.drop_table('nudge')
    with op.batch_alter_table('integration', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_integration_parent_id'))
        batch_op.drop_index(batch_op.f('ix_integration_owner'))
        batch_op.drop_index(batch_op.f('ix_integration_external_ref'))
        batch_op.drop_index(batch_op.f('ix_integration_backup_owner'))

    op.drop_table('integration')
    op.drop_table('audit_chain_head')
    
