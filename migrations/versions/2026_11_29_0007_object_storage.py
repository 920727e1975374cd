"""object storage: datastores of kind s3 (bucket, endpoint, sealed credentials); endpoints
name their queue and their concurrency; outbox messages name their broker

Revision ID: 0007
Revises: 0005
Create Date: 2026-11-29 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0007'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('datastores') as batch:
        batch.add_column(sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False,
                                   server_default='local'))
        batch.add_column(sa.Column('url', sqlmodel.sql.sqltypes.AutoString(length=1100), nullable=True))
        batch.add_column(sa.Column('endpoint_url', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True))
        batch.add_column(sa.Column('region', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch.add_column(sa.Column('credentials', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=True))
    with op.batch_alter_table('endpoints') as batch:
        batch.add_column(sa.Column('queue', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True))
        batch.add_column(sa.Column('max_concurrent_runs', sa.Integer(), nullable=True))
    with op.batch_alter_table('outbox_messages') as batch:
        batch.add_column(sa.Column('broker', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
    # Claims of a limited endpoint count its running runs and look for its oldest queued ones.
    op.create_index('ix_runs_endpoint_status', 'runs', ['endpoint_id', 'status', 'created_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_runs_endpoint_status', table_name='runs')
    with op.batch_alter_table('outbox_messages') as batch:
        batch.drop_column('broker')
    with op.batch_alter_table('endpoints') as batch:
        batch.drop_column('max_concurrent_runs')
        batch.drop_column('queue')
    with op.batch_alter_table('datastores') as batch:
        batch.drop_column('credentials')
        batch.drop_column('region')
        batch.drop_column('endpoint_url')
        batch.drop_column('url')
        batch.drop_column('kind')
