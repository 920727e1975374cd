"""workspaces' queues on the broker are namespaced (wider queue columns); outbox messages
the broker refuses are counted, delayed and given up; idempotency keys are per principal

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 03:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.db.types

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbox_messages') as batch:
        batch.alter_column('queue', existing_type=sqlmodel.sql.sqltypes.AutoString(length=100),
                           type_=sqlmodel.sql.sqltypes.AutoString(length=200), existing_nullable=False)
        batch.add_column(sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True))
        batch.add_column(sa.Column('retry_at', app.db.types.UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('given_up_at', app.db.types.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table('runs') as batch:
        batch.alter_column('queue', existing_type=sqlmodel.sql.sqltypes.AutoString(length=100),
                           type_=sqlmodel.sql.sqltypes.AutoString(length=200), existing_nullable=False)
    # Runs waiting on an endpoint's queue move to the workspace's queue of that name (what
    # `retrainer worker --queue NAME --workspace W` serves); their reconciler sends them again.
    op.execute(
        "UPDATE runs SET queue = 'retrainer.ws.' || workspace_id || '.' || queue "
        "WHERE status IN ('queued', 'running') AND EXISTS (SELECT 1 FROM endpoints e "
        "WHERE e.workspace_id = runs.workspace_id AND e.queue = runs.queue)")

    # A key is its principal's: a claim that created a run belongs to who created the run;
    # a claim still in flight (no run) is dropped (its request answers without it).
    op.add_column('idempotency_keys', sa.Column('principal_id', sqlmodel.sql.sqltypes.AutoString(length=40),
                                                nullable=True))
    op.execute("UPDATE idempotency_keys SET principal_id = "
               "(SELECT runs.created_by FROM runs WHERE runs.id = idempotency_keys.run_id)")
    op.execute("DELETE FROM idempotency_keys WHERE principal_id IS NULL")
    with op.batch_alter_table('idempotency_keys') as batch:
        batch.alter_column('principal_id', existing_type=sqlmodel.sql.sqltypes.AutoString(length=40),
                           nullable=False)
        batch.drop_constraint('uq_idempotency_keys_workspace_key', type_='unique')
        batch.create_unique_constraint('uq_idempotency_keys_principal_key', ['principal_id', 'key'])


def downgrade() -> None:
    with op.batch_alter_table('idempotency_keys') as batch:
        batch.drop_constraint('uq_idempotency_keys_principal_key', type_='unique')
        batch.create_unique_constraint('uq_idempotency_keys_workspace_key', ['workspace_id', 'key'])
        batch.drop_column('principal_id')
    with op.batch_alter_table('runs') as batch:
        batch.alter_column('queue', existing_type=sqlmodel.sql.sqltypes.AutoString(length=200),
                           type_=sqlmodel.sql.sqltypes.AutoString(length=100), existing_nullable=False)
    with op.batch_alter_table('outbox_messages') as batch:
        batch.drop_column('given_up_at')
        batch.drop_column('retry_at')
        batch.drop_column('last_error')
        batch.alter_column('queue', existing_type=sqlmodel.sql.sqltypes.AutoString(length=200),
                           type_=sqlmodel.sql.sqltypes.AutoString(length=100), existing_nullable=False)
