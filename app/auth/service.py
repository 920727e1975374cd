"""Authentication logic: who a credential or a token belongs to, and what it may do.

Services never commit; the request (or CLI command) that calls them does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session

from app.auth import repository as repo
from app.auth.schemas import TOKEN_FIELD_LIMITS, ServicePrincipalOut
from app.auth.scopes import ALL_SCOPES, scopes_of_user
from app.core.clock import utcnow
from app.core.errors import Conflict, InvalidInput, NotFound
from app.core.paging import PageRequest
from app.core.security import (
    InvalidToken,
    TokenClaims,
    decode_token,
    hash_secret,
    issue_token,
    new_client_id,
    new_client_secret,
    verify_secret,
)
from app.core.settings import Settings
from app.db.tables import ServicePrincipal, User, Workspace

_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@\-]{0,99}$")


class OAuthError(Exception):
    """An RFC 6749 section 5.2 error of the token endpoint."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status


@dataclass(frozen=True)
class Principal:
    """The caller of a request: a user or a service principal, in one workspace."""

    kind: str  # "user" | "service_principal"
    id: str
    name: str
    workspace_id: str
    workspace_name: str
    scopes: frozenset[str]
    token_jti: str | None = None


# Workspaces and users ------------------------------------------------------------


def ensure_workspace(session: Session, name: str) -> Workspace:
    if not _NAME_RE.match(name):
        raise InvalidInput(f"workspace name {name!r} is invalid",
                           errors=[{"loc": ["workspace"], "msg": "use letters, digits, '.', '_', '-' (at most 100)"}])
    workspace = repo.workspace_by_name(session, name)
    if workspace is None:
        workspace = Workspace(name=name)
        session.add(workspace)
        session.flush()
    return workspace


def create_user(session: Session, *, username: str, password: str, workspace: str = "default",
                admin: bool = False) -> User:
    problems = []
    if not _NAME_RE.match(username):
        problems.append({"loc": ["username"], "msg": "use letters, digits, '.', '_', '-', '@' (at most 100)"})
    if not 8 <= len(password) <= TOKEN_FIELD_LIMITS["password"]:
        problems.append({"loc": ["password"], "msg": f"use 8 to {TOKEN_FIELD_LIMITS['password']} characters "
                                                     "(the token endpoint takes no longer one)"})
    if problems:
        raise InvalidInput("the user cannot be created", errors=problems)
    if repo.user_by_username(session, username) is not None:
        raise Conflict(f"a user named {username!r} already exists")
    ws = ensure_workspace(session, workspace)
    user = User(workspace_id=ws.id, username=username, password_hash=hash_secret(password),
                is_admin=admin)
    session.add(user)
    session.flush()
    return user


def ensure_bootstrap_admin(session: Session, settings: Settings) -> bool:
    """Creates RETRAINER_ADMIN_USERNAME in workspace 'default' on first start."""
    if not settings.admin_username or not settings.admin_password:
        return False
    if repo.user_by_username(session, settings.admin_username) is not None:
        return False
    create_user(session, username=settings.admin_username, password=settings.admin_password,
                workspace="default", admin=True)
    return True


# Token grants --------------------------------------------------------------------


def authenticate_password(session: Session, username: str, password: str) -> User | None:
    user = repo.user_by_username(session, username)
    # verify_secret does the same work for an unknown user as for a known one.
    ok = verify_secret(password, user.password_hash if user else None)
    if not ok or user is None or user.disabled:
        return None
    return user


def authenticate_client(session: Session, client_id: str, client_secret: str) -> ServicePrincipal | None:
    sp = repo.service_principal_by_client_id(session, client_id)
    ok = verify_secret(client_secret, sp.secret_hash if sp else None)
    if not ok or sp is None or sp.revoked_at is not None:
        return None
    return sp


def grant_scopes(held: frozenset[str], requested: list[str] | None) -> list[str]:
    if requested is None:
        return sorted(held)
    unknown = [s for s in requested if s not in ALL_SCOPES]
    if unknown:
        raise OAuthError("invalid_scope", f"unknown scope(s): {' '.join(unknown)}; "
                         f"known scopes are: {' '.join(sorted(ALL_SCOPES))}")
    beyond = [s for s in requested if s not in held]
    if beyond:
        raise OAuthError("invalid_scope", f"scope(s) not held by this principal: {' '.join(beyond)}")
    return requested


def token_for(settings: Settings, *, subject: str, workspace_id: str,
              scopes: list[str]) -> tuple[str, TokenClaims]:
    return issue_token(subject=subject, workspace_id=workspace_id, scopes=scopes,
                       key=settings.signing_key(), issuer=settings.token_issuer,
                       audience=settings.token_audience,
                       lifetime=timedelta(minutes=settings.access_token_minutes))


def password_grant(session: Session, settings: Settings, username: str, password: str,
                   requested: list[str] | None) -> tuple[str, TokenClaims]:
    user = authenticate_password(session, username, password)
    if user is None:
        raise OAuthError("invalid_grant", "the username or password is wrong")
    scopes = grant_scopes(scopes_of_user(user.is_admin), requested)
    return token_for(settings, subject=user.id, workspace_id=user.workspace_id, scopes=scopes)


def client_credentials_grant(session: Session, settings: Settings, client_id: str,
                             client_secret: str, requested: list[str] | None) -> tuple[str, TokenClaims]:
    sp = authenticate_client(session, client_id, client_secret)
    if sp is None:
        raise OAuthError("invalid_client", "client authentication failed: unknown client, "
                         "wrong secret or revoked client", status=401)
    scopes = grant_scopes(frozenset(sp.scopes.split()), requested)
    return token_for(settings, subject=sp.id, workspace_id=sp.workspace_id, scopes=scopes)


# Token checks --------------------------------------------------------------------


@dataclass(frozen=True)
class TokenHolder:
    """What checking a token needs of the principal it names and of the token's revocation,
    as the database answered at one moment (app.auth.tokens caches it for a bounded time)."""

    kind: str  # "user" | "service_principal"
    name: str
    active: bool  # a user not disabled, a service principal not revoked
    held: frozenset[str]  # the scopes it holds now
    workspace_name: str
    token_revoked: bool


def claims_of(settings: Settings, token: str) -> TokenClaims:
    """The claims of a token signed by this service and still within its lifetime."""
    claims = decode_token(token, key=settings.signing_key(), issuer=settings.token_issuer,
                          audience=settings.token_audience)
    if not claims.subject.startswith(("usr_", "sp_")):
        raise InvalidToken("The access token names an unknown kind of principal")
    return claims


def holder_of(subject: str, columns: tuple[str, bool, str, str, bool] | None) -> TokenHolder | None:
    """A TokenHolder from the columns `repo.token_holder_columns` reads."""
    if columns is None:
        return None
    name, active, holds, workspace_name, revoked = columns
    if subject.startswith("usr_"):
        return TokenHolder("user", name, active, scopes_of_user(holds == "admin"), workspace_name, revoked)
    return TokenHolder("service_principal", name, active, frozenset(holds.split()), workspace_name, revoked)


def principal_of(claims: TokenClaims, holder: TokenHolder | None) -> Principal:
    """The principal behind valid claims, or InvalidToken with a reason safe to show."""
    if holder is not None and holder.token_revoked:
        raise InvalidToken("The access token was revoked")
    if holder is None or not holder.active:
        if claims.subject.startswith("usr_"):
            raise InvalidToken("The user of this access token no longer exists or is disabled")
        raise InvalidToken("The service principal of this access token was revoked")
    # A principal that lost a scope loses it in tokens already issued too.
    return Principal(kind=holder.kind, id=claims.subject, name=holder.name, workspace_id=claims.workspace_id,
                     workspace_name=holder.workspace_name, scopes=claims.scopes & holder.held, token_jti=claims.jti)


def resolve_token(session: Session, settings: Settings, token: str) -> Principal:
    """The principal behind a bearer token, or InvalidToken with a reason safe to show
    (in one sync session; the API's dependency checks through app.auth.tokens)."""
    claims = claims_of(settings, token)
    found = repo.token_holder(session, claims.subject, claims.workspace_id, claims.jti)
    if found is None:
        return principal_of(claims, None)
    holder, workspace_name, revoked = found
    if isinstance(holder, User):
        columns = (holder.username, not holder.disabled, "admin" if holder.is_admin else "", workspace_name, revoked)
    else:
        columns = (holder.name, holder.revoked_at is None, holder.scopes, workspace_name, revoked)
    return principal_of(claims, holder_of(claims.subject, columns))


def acting_principal(session: Session, principal_id: str) -> Principal | None:
    """The principal with this id and the scopes it holds now, as it acts when no request
    carries its token (a trigger firing for its creator); None once it was disabled,
    revoked or deleted."""
    found = repo.holder(session, principal_id)
    if found is None:
        return None
    holder, workspace_name = found
    if isinstance(holder, User) and not holder.disabled:
        return Principal(kind="user", id=holder.id, name=holder.username, workspace_id=holder.workspace_id,
                         workspace_name=workspace_name, scopes=scopes_of_user(holder.is_admin))
    if isinstance(holder, ServicePrincipal) and holder.revoked_at is None:
        return Principal(kind="service_principal", id=holder.id, name=holder.name, workspace_id=holder.workspace_id,
                         workspace_name=workspace_name, scopes=frozenset(holder.scopes.split()))
    return None


def revoke_token(session: Session, settings: Settings, caller: Principal, token: str) -> None:
    """RFC 7009: revoking an invalid, unknown or expired token is not an error. A token is
    revoked only by the principal it was issued to, or by an admin of its workspace
    (section 2.1); another caller gets `unauthorized_client`. Revocations whose token
    expired anyway are forgotten."""
    repo.purge_expired_revocations(session, utcnow())
    try:
        claims = decode_token(token, key=settings.signing_key(), issuer=settings.token_issuer,
                              audience=settings.token_audience)
    except InvalidToken:
        return
    own = claims.subject == caller.id
    admin_of_workspace = "admin" in caller.scopes and claims.workspace_id == caller.workspace_id
    if not (own or admin_of_workspace):
        raise OAuthError("unauthorized_client", "this token was not issued to you: only its own principal, "
                         "or an admin of its workspace, can revoke it")
    repo.add_revoked_token(session, claims.jti, claims.expires_at)


# Service principals ----------------------------------------------------------------


def create_service_principal(session: Session, creator: Principal, name: str,
                             scopes: list[str]) -> tuple[ServicePrincipal, str]:
    beyond = sorted(set(scopes) - creator.scopes)
    if beyond:
        raise InvalidInput("a service principal cannot hold scopes its creator's token lacks",
                           errors=[{"loc": ["body", "scopes"],
                                    "msg": f"not held by your token: {' '.join(beyond)}"}])
    secret = new_client_secret()
    sp = ServicePrincipal(workspace_id=creator.workspace_id, name=name, client_id=new_client_id(),
                          secret_hash=hash_secret(secret), scopes=" ".join(sorted(set(scopes))),
                          created_by=creator.id)
    session.add(sp)
    session.flush()
    return sp, secret


def principal_out(sp: ServicePrincipal) -> ServicePrincipalOut:
    return ServicePrincipalOut(id=sp.id, name=sp.name, client_id=sp.client_id,
                               scopes=sp.scopes.split(), created_at=sp.created_at,
                               revoked_at=sp.revoked_at)


def list_service_principals(session: Session, principal: Principal, page: PageRequest) -> list[ServicePrincipal]:
    return repo.list_service_principals(session, principal.workspace_id, page)


def get_service_principal(session: Session, principal: Principal, sp_id: str) -> ServicePrincipal:
    sp = repo.service_principal_in_workspace(session, principal.workspace_id, sp_id)
    if sp is None:
        raise NotFound(f"no service principal {sp_id!r} in this workspace")
    return sp


def revoke_service_principal(session: Session, principal: Principal, sp_id: str) -> ServicePrincipal:
    sp = get_service_principal(session, principal, sp_id)
    if sp.revoked_at is None:
        sp.revoked_at = utcnow()
        session.add(sp)
    return sp
