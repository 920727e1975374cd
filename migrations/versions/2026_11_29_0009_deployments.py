"""deployments and their history

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 11:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from app.db.types import UTCDateTime

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'deployments',
        sa.Column('id', sa.String(length=40), primary_key=True),
        sa.Column('workspace_id', sa.String(length=40), sa.ForeignKey('workspaces.id'), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('model', sa.String(length=200), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('follow', sa.Boolean(), nullable=False),
        sa.Column('gate', sa.JSON(), nullable=True),
        sa.Column('enabled', sa.Boolean(), nullable=False),
        sa.Column('created_by', sa.String(length=40), nullable=True),
        sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
        sa.UniqueConstraint('workspace_id', 'name', name='uq_deployments_workspace_name'),
    )
    op.create_index('ix_deployments_workspace_id', 'deployments', ['workspace_id'])
    op.create_index('ix_deployments_model', 'deployments', ['model'])
    op.create_table(
        'deployment_events',
        sa.Column('id', sa.String(length=40), primary_key=True),
        sa.Column('deployment_id', sa.String(length=40), sa.ForeignKey('deployments.id'), nullable=False),
        sa.Column('at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('from_version', sa.Integer(), nullable=True),
        sa.Column('to_version', sa.Integer(), nullable=True),
        sa.Column('reason', sa.String(length=20), nullable=False),
        sa.Column('message', sa.String(length=2000), nullable=True),
        sa.Column('metrics', sa.JSON(), nullable=True),
        sa.Column('run_id', sa.String(length=40), nullable=True),
        sa.Column('actor', sa.String(length=40), nullable=True),
    )
    op.create_index('ix_deployment_events_deployment_at', 'deployment_events', ['deployment_id', 'at'])
    op.create_index('ix_deployment_events_run_id', 'deployment_events', ['run_id'])


def downgrade() -> None:
    op.drop_table('deployment_events')
    op.drop_table('deployments')
