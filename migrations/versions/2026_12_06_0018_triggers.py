"""triggers: schedules and data watches that start runs, their firings and cursors

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 03:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from app.db.types import UTCDateTime

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'triggers',
        sa.Column('id', sa.String(length=40), primary_key=True),
        sa.Column('workspace_id', sa.String(length=40), sa.ForeignKey('workspaces.id'), nullable=False),
        sa.Column('endpoint_id', sa.String(length=40), sa.ForeignKey('endpoints.id'), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('cron', sa.String(length=200), nullable=True),
        sa.Column('timezone', sa.String(length=64), nullable=False),
        sa.Column('every_seconds', sa.Integer(), nullable=True),
        sa.Column('catchup', sa.String(length=20), nullable=False),
        sa.Column('watch', sa.String(length=1100), nullable=True),
        sa.Column('parameter', sa.String(length=64), nullable=True),
        sa.Column('debounce_seconds', sa.Integer(), nullable=True),
        sa.Column('each', sa.Boolean(), nullable=False),
        sa.Column('parameters', sa.JSON(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=True),
        sa.Column('experiment', sa.String(length=100), nullable=True),
        sa.Column('enabled', sa.Boolean(), nullable=False),
        sa.Column('overlap', sa.String(length=20), nullable=False),
        sa.Column('created_by', sa.String(length=40), nullable=False),
        sa.Column('anchor_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('next_fire_at', UTCDateTime(timezone=True), nullable=True),
        sa.Column('baselined', sa.Boolean(), nullable=False),
        sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
        sa.UniqueConstraint('endpoint_id', 'name', name='uq_triggers_endpoint_name'),
    )
    op.create_index('ix_triggers_workspace_id', 'triggers', ['workspace_id'])
    op.create_index('ix_triggers_endpoint_id', 'triggers', ['endpoint_id'])
    op.create_index('ix_triggers_next_fire_at', 'triggers', ['next_fire_at'])
    op.create_table(
        'trigger_firings',
        sa.Column('id', sa.String(length=40), primary_key=True),
        sa.Column('trigger_id', sa.String(length=40), sa.ForeignKey('triggers.id'), nullable=False),
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('slot', UTCDateTime(timezone=True), nullable=True),
        sa.Column('path', sa.String(length=1100), nullable=True),
        sa.Column('sha256', sa.String(length=64), nullable=True),
        sa.Column('outcome', sa.String(length=20), nullable=False),
        sa.Column('reason', sa.String(length=2000), nullable=True),
        sa.Column('run_id', sa.String(length=40), nullable=True),
        sa.UniqueConstraint('trigger_id', 'key', name='uq_trigger_firings_trigger_key'),
    )
    op.create_index('ix_trigger_firings_trigger_id_id', 'trigger_firings', ['trigger_id', 'id'])
    op.create_table(
        'trigger_files',
        sa.Column('id', sa.String(length=40), primary_key=True),
        sa.Column('trigger_id', sa.String(length=40), sa.ForeignKey('triggers.id'), nullable=False),
        sa.Column('path', sa.String(length=1100), nullable=False),
        sa.Column('size', sa.BigInteger(), nullable=False),
        sa.Column('etag', sa.String(length=200), nullable=True),
        sa.Column('modified_at', UTCDateTime(timezone=True), nullable=True),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('changed_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('fired', sa.Boolean(), nullable=False),
        sa.UniqueConstraint('trigger_id', 'path', name='uq_trigger_files_trigger_path'),
    )
    op.create_index('ix_trigger_files_trigger_id', 'trigger_files', ['trigger_id'])
    op.add_column('runs', sa.Column('trigger_id', sa.String(length=40), nullable=True))
    op.add_column('runs', sa.Column('trigger', sa.JSON(), nullable=True))
    op.create_index('ix_runs_trigger_id', 'runs', ['trigger_id'])


def downgrade() -> None:
    op.drop_index('ix_runs_trigger_id', table_name='runs')
    op.drop_column('runs', 'trigger')
    op.drop_column('runs', 'trigger_id')
    op.drop_table('trigger_files')
    op.drop_table('trigger_firings')
    op.drop_table('triggers')
