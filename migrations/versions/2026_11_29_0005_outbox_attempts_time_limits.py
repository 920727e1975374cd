"""outbox messages; runs record their sends, the cause of a lost worker and their time
limit; endpoints have a time limit of their own

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.db.types

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('outbox_messages',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('task', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('args', sa.JSON(), nullable=False),
    sa.Column('task_id', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('queue', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('created_at', app.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', app.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_outbox_messages_pending', 'outbox_messages', ['sent_at', 'queue', 'created_at'], unique=False)
    op.add_column('runs', sa.Column('sent_at', app.db.types.UTCDateTime(timezone=True), nullable=True))
    op.add_column('runs', sa.Column('sends', sa.Integer(), nullable=False, server_default='0'))
    op.add_column('runs', sa.Column('lost', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True))
    op.add_column('runs', sa.Column('time_limit_seconds', sa.Integer(), nullable=True))
    op.add_column('endpoints', sa.Column('time_limit_seconds', sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column('endpoints', 'time_limit_seconds')
    op.drop_column('runs', 'time_limit_seconds')
    op.drop_column('runs', 'lost')
    op.drop_column('runs', 'sends')
    op.drop_column('runs', 'sent_at')
    op.drop_index('ix_outbox_messages_pending', table_name='outbox_messages')
    op.drop_table('outbox_messages')
