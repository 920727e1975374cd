"""published pipeline ids of endpoint versions; a run's description, tags, source and parent

Revision ID: 0016
Revises: 0014
Create Date: 2026-12-13 03:00:00
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('endpoint_versions') as batch_op:
        batch_op.add_column(sa.Column('published_pipeline_id', sa.String(length=36), nullable=True))
    # Every version published before gets its id now, so that it can be submitted too.
    versions = sa.table('endpoint_versions', sa.column('id', sa.String), sa.column('published_pipeline_id', sa.String))
    connection = op.get_bind()
    for (version_id,) in connection.execute(sa.select(versions.c.id)).all():
        connection.execute(versions.update().where(versions.c.id == version_id)
                           .values(published_pipeline_id=str(uuid.uuid4())))
    with op.batch_alter_table('endpoint_versions') as batch_op:
        batch_op.alter_column('published_pipeline_id', existing_type=sa.String(length=36), nullable=False)
        batch_op.create_index('ix_endpoint_versions_published_pipeline_id', ['published_pipeline_id'], unique=True)
    with op.batch_alter_table('runs') as batch_op:
        batch_op.add_column(sa.Column('description', sa.String(length=5000), nullable=True))
        batch_op.add_column(sa.Column('tags', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('run_source', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('parent_run_id', sa.String(length=255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('runs') as batch_op:
        batch_op.drop_column('parent_run_id')
        batch_op.drop_column('run_source')
        batch_op.drop_column('tags')
        batch_op.drop_column('description')
    with op.batch_alter_table('endpoint_versions') as batch_op:
        batch_op.drop_index('ix_endpoint_versions_published_pipeline_id')
        batch_op.drop_column('published_pipeline_id')
