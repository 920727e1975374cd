"""deployments' monitor settings (prediction logging and drift thresholds)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 04:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('deployments') as batch_op:
        batch_op.add_column(sa.Column('monitor', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('deployments') as batch_op:
        batch_op.drop_column('monitor')
