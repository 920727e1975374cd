"""Every table of Retrainer, in one place. Alembic's env.py reads this metadata.

This module imports nothing from the web layer, so the worker can use it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index
from sqlmodel import Field, SQLModel

from app.core.clock import utcnow
from app.core.ids import new_id
from app.db.types import UTCDateTime


def _created_at() -> datetime:
    return utcnow()


def _time_column(nullable: bool = True) -> Column:
    return Column(UTCDateTime(), nullable=nullable)


class Workspace(SQLModel, table=True):
    __tablename__ = "workspaces"

    id: str = Field(default_factory=lambda: new_id("ws"), primary_key=True, max_length=40)
    name: str = Field(max_length=100, unique=True, index=True)
    created_at: datetime = Field(default_factory=_created_at, sa_column=_time_column(False))


class User(SQLModel, table=True):
    __tablename__ = "users"

    id: str = Field(default_factory=lambda: new_id("usr"), primary_key=True, max_length=40)
    workspace_id: str = Field(foreign_key="workspaces.id", index=True, max_length=40)
    # Unique across workspaces: the password grant names a user by username alone.
    username: str = Field(max_length=100, unique=True, index=True)
    password_hash: str = Field(max_length=255)
    is_admin: bool = False
    disabled: bool = False
    created_at: datetime = Field(default_factory=_created_at, sa_column=_time_column(False))


class ServicePrincipal(SQLModel, table=True):
    """A non-human client (a CI job, another service) using client_credentials."""

    __tablename__ = "service_principals"

    id: str = Field(default_factory=lambda: new_id("sp"), primary_key=True, max_length=40)
    workspace_id: str = Field(foreign_key="workspaces.id", index=True, max_length=40)
    name: str = Field(max_length=100)
    client_id: str = Field(max_length=64, unique=True, index=True)
    secret_hash: str = Field(max_length=255)
    scopes: str = Field(max_length=500, description="space-separated")
    created_by: str | None = Field(default=None, max_length=60)
    created_at: datetime = Field(default_factory=_created_at, sa_column=_time_column(False))
    revoked_at: datetime | None = Field(default=None, sa_column=_time_column())


class RevokedToken(SQLModel, table=True):
    """Access tokens revoked before their expiry (RFC 7009), by jti."""

    __tablename__ = "revoked_tokens"

    jti: str = Field(primary_key=True, max_length=64)
    expires_at: datetime = Field(sa_column=_time_column(False))
    revoked_at: datetime = Field(default_factory=_created_at, sa_column=_time_column(False))


class WorkerCheck(SQLModel, table=True):
    """A round trip API -> broker -> worker -> database, asked for by an operator."""

    __tablename__ = "worker_checks"
    __table_args__ = (Index("ix_worker_checks_workspace_created", "workspace_id", "created_at"),)

    id: str = Field(default_factory=lambda: new_id("wchk"), primary_key=True, max_length=40)
    workspace_id: str = Field(foreign_key="workspaces.id", max_length=40)
    status: str = Field(default="queued", max_length=20)
    worker: str | None = Field(default=None, max_length=255)
    created_at: datetime = Field(default_factory=_created_at, sa_column=_time_column(False))
    completed_at: datetime | None = Field(default=None, sa_column=_time_column())


__all__ = [
    "RevokedToken",
    "ServicePrincipal",
    "SQLModel",
    "User",
    "WorkerCheck",
    "Workspace",
]
