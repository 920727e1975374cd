"""webhook subscriptions, events and deliveries

Revision ID: 0014
Revises: 0010
Create Date: 2026-12-06 03:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from app.db.types import UTCDateTime

revision = '0014'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'webhook_subscriptions',
        sa.Column('id', sa.String(length=40), primary_key=True),
        sa.Column('workspace_id', sa.String(length=40), sa.ForeignKey('workspaces.id'), nullable=False),
        sa.Column('url', sa.String(length=2000), nullable=False),
        sa.Column('events', sa.JSON(), nullable=False),
        sa.Column('description', sa.String(length=1000), nullable=True),
        sa.Column('secret', sa.String(length=500), nullable=False),
        sa.Column('enabled', sa.Boolean(), nullable=False),
        sa.Column('disabled_reason', sa.String(length=500), nullable=True),
        sa.Column('created_by', sa.String(length=60), nullable=True),
        sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
    )
    op.create_index('ix_webhook_subscriptions_workspace_id', 'webhook_subscriptions', ['workspace_id'])
    op.create_table(
        'webhook_events',
        sa.Column('id', sa.String(length=40), primary_key=True),
        sa.Column('workspace_id', sa.String(length=40), sa.ForeignKey('workspaces.id'), nullable=False),
        sa.Column('type', sa.String(length=60), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    )
    op.create_index('ix_webhook_events_workspace_id', 'webhook_events', ['workspace_id'])
    op.create_table(
        'webhook_deliveries',
        sa.Column('id', sa.String(length=40), primary_key=True),
        sa.Column('subscription_id', sa.String(length=40), sa.ForeignKey('webhook_subscriptions.id'),
                  nullable=False),
        sa.Column('event_id', sa.String(length=40), sa.ForeignKey('webhook_events.id'), nullable=False),
        sa.Column('event', sa.String(length=60), nullable=False),
        sa.Column('attempt', sa.Integer(), nullable=False),
        sa.Column('retry_index', sa.Integer(), nullable=False),
        sa.Column('status_code', sa.Integer(), nullable=True),
        sa.Column('duration_ms', sa.Integer(), nullable=True),
        sa.Column('error', sa.String(length=500), nullable=True),
        sa.Column('delivered', sa.Boolean(), nullable=False),
        sa.Column('next_attempt_at', UTCDateTime(timezone=True), nullable=True),
        sa.Column('leased_until', UTCDateTime(timezone=True), nullable=True),
        sa.Column('last_attempt_at', UTCDateTime(timezone=True), nullable=True),
        sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    )
    op.create_index('ix_webhook_deliveries_due', 'webhook_deliveries', ['next_attempt_at'])
    op.create_index('ix_webhook_deliveries_subscription', 'webhook_deliveries', ['subscription_id', 'created_at'])
    op.create_index('ix_webhook_deliveries_event_id', 'webhook_deliveries', ['event_id'])


def downgrade() -> None:
    op.drop_table('webhook_deliveries')
    op.drop_table('webhook_events')
    op.drop_table('webhook_subscriptions')
