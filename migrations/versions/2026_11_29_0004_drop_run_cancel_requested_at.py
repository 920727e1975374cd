"""drop runs.cancel_requested_at: written on cancel but never read (finished_at and
error already say when and by whom a run was canceled)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 08:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.db.types

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+), not a batch copy of the table:
    # copying `runs` would trip the foreign keys of its steps and outputs.
    op.drop_column('runs', 'cancel_requested_at')


def downgrade() -> None:
    op.add_column('runs', sa.Column('cancel_requested_at', app.db.types.UTCDateTime(timezone=True), nullable=True))
