"""Users, tokens and service principals through the auth service, in process: both
grants, scopes narrowed and refused, revocation and who may revoke, service principals
private to their workspace. tests/test_auth_*.py keep the HTTP layer: RFC 6749 and 6750
answers, rate limits, headers."""

from __future__ import annotations

import secrets
from datetime import timedelta

import pytest
from sqlmodel import select

from app.auth import service
from app.auth.service import OAuthError, Principal
from app.core.clock import utcnow
from app.core.errors import Conflict, InvalidInput, NotFound
from app.core.paging import PageRequest
from app.core.security import InvalidToken
from app.db.tables import RevokedToken
from app.runtime import Runtime
from tests.helpers.inprocess import signed_in


def _user(runtime: Runtime, admin: bool = False, workspace: str | None = None) -> tuple[str, str]:
    username, password = "u-" + secrets.token_hex(4), "pw-" + secrets.token_hex(8)
    with runtime.unit_of_work() as uow:
        service.create_user(uow.session, username=username, password=password,
                            workspace=workspace or "ws-" + secrets.token_hex(4), admin=admin)
    return username, password


def _resolve(runtime: Runtime, token: str) -> Principal:
    with runtime.read_session() as session:
        return service.resolve_token(session, runtime.settings, token)


def _grant(runtime: Runtime, username: str, password: str, scopes: list[str] | None = None) -> str:
    with runtime.read_session() as session:
        return service.password_grant(session, runtime.settings, username, password, scopes)[0]


def _sp(runtime: Runtime, creator: Principal, scopes: list[str]) -> tuple[str, str, str]:
    with runtime.unit_of_work() as uow:
        sp, secret = service.create_service_principal(uow.session, creator, "sp-" + secrets.token_hex(3), scopes)
    return sp.id, sp.client_id, secret


def _client_grant(runtime: Runtime, client_id: str, secret: str, scopes: list[str] | None = None) -> str:
    with runtime.read_session() as session:
        return service.client_credentials_grant(session, runtime.settings, client_id, secret, scopes)[0]


def _revoke(runtime: Runtime, caller: Principal, token: str) -> None:
    with runtime.unit_of_work() as uow:
        service.revoke_token(uow.session, runtime.settings, caller, token)


def test_a_password_grant_carries_every_scope_of_the_user_or_fewer(runtime: Runtime) -> None:
    user = _user(runtime)
    me = _resolve(runtime, _grant(runtime, *user))
    assert me.kind == "user" and me.name == user[0] and "runs:write" in me.scopes and "admin" not in me.scopes
    admin = _user(runtime, admin=True)
    assert "admin" in _resolve(runtime, _grant(runtime, *admin)).scopes
    assert _resolve(runtime, _grant(runtime, *admin, scopes=["runs:read"])).scopes == {"runs:read"}


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(runtime: Runtime) -> None:
    username, _ = _user(runtime)
    for name, password in ((username, "wrong-password"), ("nobody-" + secrets.token_hex(3), "x" * 10)):
        with pytest.raises(OAuthError) as refused:
            _grant(runtime, name, password)
        assert (refused.value.error, refused.value.description) == ("invalid_grant",
                                                                     "the username or password is wrong")


def test_scopes_beyond_the_principal_or_unknown_are_invalid_scope(runtime: Runtime) -> None:
    user = _user(runtime)
    with pytest.raises(OAuthError, match="admin") as beyond:
        _grant(runtime, *user, scopes=["runs:read", "admin"])
    assert beyond.value.error == "invalid_scope"
    with pytest.raises(OAuthError, match="root") as unknown:
        _grant(runtime, *user, scopes=["root"])
    assert unknown.value.error == "invalid_scope"
    _, client_id, secret = _sp(runtime, signed_in(runtime), ["runs:read"])
    with pytest.raises(OAuthError) as sp_beyond:
        _client_grant(runtime, client_id, secret, ["runs:write"])
    assert sp_beyond.value.error == "invalid_scope"


def test_users_are_checked_when_created(runtime: Runtime) -> None:
    with pytest.raises(InvalidInput) as bad, runtime.unit_of_work() as uow:
        service.create_user(uow.session, username="has space", password="short")
    assert [e["loc"] for e in bad.value.errors or []] == [["username"], ["password"]]
    username, _ = _user(runtime)
    with pytest.raises(Conflict, match=username), runtime.unit_of_work() as uow:
        service.create_user(uow.session, username=username, password="long-enough")


def test_a_service_principal_holds_no_scope_its_creator_lacks(runtime: Runtime) -> None:
    creator = signed_in(runtime, scopes=["admin", "runs:read"])
    with pytest.raises(InvalidInput) as refused:
        _sp(runtime, creator, ["runs:read", "data:write"])
    assert refused.value.errors == [{"loc": ["body", "scopes"], "msg": "not held by your token: data:write"}]
    sp_id, client_id, secret = _sp(runtime, creator, ["runs:read"])
    principal = _resolve(runtime, _client_grant(runtime, client_id, secret))
    assert (principal.kind, principal.id, principal.scopes) == ("service_principal", sp_id, {"runs:read"})
    with pytest.raises(OAuthError) as wrong:
        _client_grant(runtime, client_id, "guess")
    assert (wrong.value.error, wrong.value.status) == ("invalid_client", 401)


def test_a_revoked_service_principal_loses_its_tokens_and_its_grant(runtime: Runtime) -> None:
    admin = signed_in(runtime)
    sp_id, client_id, secret = _sp(runtime, admin, ["runs:read"])
    token = _client_grant(runtime, client_id, secret)
    with runtime.unit_of_work() as uow:
        assert service.revoke_service_principal(uow.session, admin, sp_id).revoked_at is not None
    with pytest.raises(InvalidToken, match="revoked"):
        _resolve(runtime, token)
    with pytest.raises(OAuthError) as again:
        _client_grant(runtime, client_id, secret)
    assert again.value.error == "invalid_client"


def test_service_principals_are_private_to_their_workspace(runtime: Runtime) -> None:
    owner, outsider = signed_in(runtime), signed_in(runtime)
    sp_id, _, _ = _sp(runtime, owner, ["runs:read"])
    with runtime.read_session() as session:
        with pytest.raises(NotFound, match=sp_id):
            service.get_service_principal(session, outsider, sp_id)
        assert service.list_service_principals(session, outsider, PageRequest()) == []
    with pytest.raises(NotFound, match=sp_id), runtime.unit_of_work() as uow:
        service.revoke_service_principal(uow.session, outsider, sp_id)
    with runtime.read_session() as session:
        assert service.get_service_principal(session, owner, sp_id).revoked_at is None
        listed = service.list_service_principals(session, owner, PageRequest(limit=2))
    assert [sp.id for sp in listed] == [sp_id]


def test_a_token_is_revoked_only_by_its_principal_or_its_workspace_admin(runtime: Runtime) -> None:
    workspace = "revoke-" + secrets.token_hex(3)
    alice, bob = _user(runtime, workspace=workspace), _user(runtime, workspace=workspace)
    admin, outsider = _user(runtime, admin=True, workspace=workspace), _user(runtime, admin=True)
    alices = _grant(runtime, *alice)
    for who in (bob, outsider):
        with pytest.raises(OAuthError) as refused:
            _revoke(runtime, _resolve(runtime, _grant(runtime, *who)), alices)
        assert refused.value.error == "unauthorized_client"
    assert _resolve(runtime, alices).name == alice[0]  # still valid
    _revoke(runtime, _resolve(runtime, _grant(runtime, *admin)), alices)
    with pytest.raises(InvalidToken, match="revoked"):
        _resolve(runtime, alices)
    own = _grant(runtime, *bob)
    _revoke(runtime, _resolve(runtime, own), own)
    with pytest.raises(InvalidToken, match="revoked"):
        _resolve(runtime, own)
    _revoke(runtime, _resolve(runtime, _grant(runtime, *bob)), "not-a-token")  # RFC 7009: not an error


def test_revocations_of_expired_tokens_are_forgotten(runtime: Runtime) -> None:
    with runtime.unit_of_work() as uow:
        uow.session.add(RevokedToken(jti="old-" + secrets.token_hex(6), expires_at=utcnow() - timedelta(hours=1)))
    token = _grant(runtime, *_user(runtime))
    _revoke(runtime, _resolve(runtime, token), token)
    with runtime.read_session() as session:
        assert session.exec(select(RevokedToken).where(RevokedToken.expires_at < utcnow())).all() == []
