"""Alembic environment: the metadata is app.db.tables, the URL comes from settings."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

from app.core.settings import Settings
from app.db import tables  # noqa: F401  (registers every table on the metadata)
from app.db.engine import build_engine

config = context.config
target_metadata = SQLModel.metadata


def _settings():
    return config.attributes.get("settings") or Settings()


def run_migrations_offline() -> None:
    url = _settings().sqlalchemy_url
    context.configure(url=url, target_metadata=target_metadata, literal_binds=True,
                      render_as_batch=url.startswith("sqlite"))
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = build_engine(_settings())
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=connection.dialect.name == "sqlite")
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
