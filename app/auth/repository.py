"""Queries for workspaces, users, service principals and revoked tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, exists
from sqlalchemy import select as core_select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import Session, col, select

from app.core.paging import PageRequest
from app.db.tables import RevokedToken, ServicePrincipal, User, Workspace


def workspace_by_name(session: Session, name: str) -> Workspace | None:
    return session.exec(select(Workspace).where(Workspace.name == name)).first()


def user_by_username(session: Session, username: str) -> User | None:
    return session.exec(select(User).where(User.username == username)).first()


def service_principal_by_client_id(session: Session, client_id: str) -> ServicePrincipal | None:
    return session.exec(select(ServicePrincipal).where(ServicePrincipal.client_id == client_id)).first()


def service_principal_in_workspace(session: Session, workspace_id: str, sp_id: str) -> ServicePrincipal | None:
    return session.exec(select(ServicePrincipal).where(
        ServicePrincipal.id == sp_id, ServicePrincipal.workspace_id == workspace_id)).first()


def list_service_principals(session: Session, workspace_id: str, page: PageRequest) -> list[ServicePrincipal]:
    query = select(ServicePrincipal).where(ServicePrincipal.workspace_id == workspace_id)
    if page.after:
        query = query.where(col(ServicePrincipal.id) > page.after)
    return list(session.exec(query.order_by(col(ServicePrincipal.id)).limit(page.limit + 1)))


def token_holder(session: Session, subject: str, workspace_id: str,
                 jti: str) -> tuple[User | ServicePrincipal, str, bool] | None:
    """The user or service principal a token names, its workspace's name, and whether the
    token was revoked: one query, as every authenticated request asks it."""
    revoked = select(RevokedToken.jti).where(RevokedToken.jti == jti).exists().label("revoked")
    table: type[User] | type[ServicePrincipal] = User if subject.startswith("usr_") else ServicePrincipal
    row = session.exec(
        select(table, Workspace.name, revoked)
        .join(Workspace, col(Workspace.id) == col(table.workspace_id))
        .where(col(table.id) == subject, col(table.workspace_id) == workspace_id)).first()
    if row is None:
        return None
    holder, workspace_name, is_revoked = row
    assert isinstance(holder, User | ServicePrincipal)
    return holder, workspace_name, bool(is_revoked)


async def token_holder_columns(connection: AsyncConnection, subject: str, workspace_id: str,
                               jti: str) -> tuple[str, bool, str, str, bool] | None:
    """`token_holder` on the async engine, as plain columns (no ORM object): the principal's
    name, whether it is active, what it holds (a user: "admin" or ""; a service principal:
    its scopes), its workspace's name, and whether the token was revoked."""
    revoked = exists().where(RevokedToken.__table__.c.jti == jti).label("revoked")  # type: ignore[attr-defined]
    workspaces = Workspace.__table__.c  # type: ignore[attr-defined]
    if subject.startswith("usr_"):
        users = User.__table__.c  # type: ignore[attr-defined]
        query = core_select(users.username, users.disabled, users.is_admin, workspaces.name, revoked).join_from(
            User.__table__, Workspace.__table__, workspaces.id == users.workspace_id).where(  # type: ignore[attr-defined]
            users.id == subject, users.workspace_id == workspace_id)
        row = (await connection.execute(query)).first()
        if row is None:
            return None
        return row[0], not row[1], "admin" if row[2] else "", row[3], bool(row[4])
    sps = ServicePrincipal.__table__.c  # type: ignore[attr-defined]
    query = core_select(sps.name, sps.revoked_at, sps.scopes, workspaces.name, revoked).join_from(
        ServicePrincipal.__table__, Workspace.__table__, workspaces.id == sps.workspace_id).where(  # type: ignore[attr-defined]
        sps.id == subject, sps.workspace_id == workspace_id)
    row = (await connection.execute(query)).first()
    if row is None:
        return None
    return row[0], row[1] is None, row[2], row[3], bool(row[4])


def holder(session: Session, principal_id: str) -> tuple[User | ServicePrincipal, str] | None:
    """The user or service principal with this id, and its workspace's name."""
    table: type[User] | type[ServicePrincipal] = User if principal_id.startswith("usr_") else ServicePrincipal
    row = session.exec(select(table, Workspace.name).join(Workspace, col(Workspace.id) == col(table.workspace_id))
                       .where(col(table.id) == principal_id)).first()
    if row is None:
        return None
    found, workspace_name = row
    assert isinstance(found, User | ServicePrincipal)
    return found, workspace_name


def purge_expired_revocations(session: Session, now: datetime) -> None:
    session.execute(delete(RevokedToken).where(col(RevokedToken.expires_at) < now))


def add_revoked_token(session: Session, jti: str, expires_at: datetime) -> None:
    if session.get(RevokedToken, jti) is None:
        session.add(RevokedToken(jti=jti, expires_at=expires_at))
