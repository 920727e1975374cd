"""Queries for workspaces, users, service principals and revoked tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
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
