"""scheduled drift checks, their episodes and retrains; feedback on logged predictions

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 06:00:00
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

from app.db.types import UTCDateTime

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('deployments') as batch_op:
        batch_op.add_column(sa.Column('next_check_at', UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('monitor_by', sa.String(length=40), nullable=True))
    op.create_index('ix_deployments_next_check_at', 'deployments', ['next_check_at'])
    _schedule_existing_monitors()
    op.create_table(
        'drift_checks',
        sa.Column('id', sa.String(length=40), primary_key=True),
        sa.Column('deployment_id', sa.String(length=40), sa.ForeignKey('deployments.id'), nullable=False),
        sa.Column('at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('rows', sa.Integer(), nullable=False),
        sa.Column('enough_rows', sa.Boolean(), nullable=False),
        sa.Column('drifted', sa.Boolean(), nullable=False),
        sa.Column('episode_id', sa.String(length=40), nullable=True),
        sa.Column('result', sa.JSON(), nullable=False),
        sa.Column('run_id', sa.String(length=40), nullable=True),
        sa.Column('retrain_note', sa.String(length=2000), nullable=True),
    )
    op.create_index('ix_drift_checks_deployment_id_id', 'drift_checks', ['deployment_id', 'id'])
    op.create_table(
        'prediction_feedback',
        sa.Column('id', sa.String(length=40), primary_key=True),
        sa.Column('deployment_id', sa.String(length=40), sa.ForeignKey('deployments.id'), nullable=False),
        sa.Column('prediction_id', sa.String(length=60), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('predicted_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('prediction', sa.JSON(), nullable=True),
        sa.Column('score', sa.Float(), nullable=True),
        sa.Column('label', sa.JSON(), nullable=True),
        sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
        sa.UniqueConstraint('deployment_id', 'prediction_id', name='uq_prediction_feedback_prediction'),
    )
    op.create_index('ix_prediction_feedback_deployment_predicted_at', 'prediction_feedback',
                    ['deployment_id', 'predicted_at'])


def _schedule_existing_monitors() -> None:
    """Deployments monitored before checks were scheduled check within the hour (their
    monitor's check_every_seconds was always set, default 3600)."""
    deployments = sa.table('deployments', sa.column('id', sa.String()), sa.column('monitor', sa.JSON()),
                           sa.column('next_check_at', UTCDateTime(timezone=True)))
    connection = op.get_bind()
    now = datetime.now(UTC)
    for row in connection.execute(sa.select(deployments.c.id, deployments.c.monitor)).all():
        monitor = json.loads(row.monitor) if isinstance(row.monitor, str) else row.monitor
        every = monitor.get('check_every_seconds') if isinstance(monitor, dict) else None
        if every:
            connection.execute(sa.update(deployments).where(deployments.c.id == row.id)
                               .values(next_check_at=now + timedelta(seconds=int(every))))


def downgrade() -> None:
    op.drop_index('ix_prediction_feedback_deployment_predicted_at', table_name='prediction_feedback')
    op.drop_table('prediction_feedback')
    op.drop_index('ix_drift_checks_deployment_id_id', table_name='drift_checks')
    op.drop_table('drift_checks')
    op.drop_index('ix_deployments_next_check_at', table_name='deployments')
    with op.batch_alter_table('deployments') as batch_op:
        batch_op.drop_column('monitor_by')
        batch_op.drop_column('next_check_at')
