"""Routes: the OAuth 2.0 token and revocation endpoints, /me, service principals."""

from __future__ import annotations

import base64
import binascii
from functools import partial
from urllib.parse import unquote

from fastapi import APIRouter, Request, Response, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from app.auth import service
from app.auth.deps import AdminPrincipal, AnyPrincipal, token_checks
from app.auth.ratelimit import Blocked, FailedLoginLimiter
from app.auth.schemas import (
    TOKEN_FIELD_LIMITS,
    Me,
    OAuthErrorBody,
    ServicePrincipalCreate,
    ServicePrincipalCreated,
    ServicePrincipalOut,
    ServicePrincipalPage,
    TokenResponse,
)
from app.auth.scopes import parse_scope_string
from app.web.deps import PageDep, ReaderDep, RuntimeDep, UnitOfWorkDep

router = APIRouter()

_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}

_TOKEN_FORM = {
    "requestBody": {
        "required": True,
        "content": {"application/x-www-form-urlencoded": {"schema": {
            "type": "object",
            "required": ["grant_type"],
            "properties": {
                "grant_type": {"type": "string", "enum": ["password", "client_credentials"]},
                "username": {"type": "string", "maxLength": TOKEN_FIELD_LIMITS["username"]},
                "password": {"type": "string", "format": "password", "maxLength": TOKEN_FIELD_LIMITS["password"]},
                "client_id": {"type": "string", "maxLength": TOKEN_FIELD_LIMITS["client_id"]},
                "client_secret": {"type": "string", "format": "password",
                                  "maxLength": TOKEN_FIELD_LIMITS["client_secret"]},
                "scope": {"type": "string", "description": "space-separated scopes",
                          "maxLength": TOKEN_FIELD_LIMITS["scope"]},
            },
        }}},
    }
}


def _oauth_error(error: str, description: str, status_code: int = 400,
                 headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": error, "error_description": description},
                        status_code=status_code, headers={**_NO_STORE, **(headers or {})})


def _basic_credentials(request: Request) -> tuple[str, str] | None:
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
        client_id, _, secret = decoded.partition(":")
    except (binascii.Error, ValueError):  # includes UnicodeDecodeError and non-ASCII input
        return ("", "")
    # RFC 6749 section 2.3.1: both parts are form-urlencoded before base64.
    return unquote(client_id), unquote(secret)


def _too_long(fields: dict[str, str | None], where: str = "") -> JSONResponse | None:
    """RFC 6749 invalid_request naming the first field over its limit (TOKEN_FIELD_LIMITS),
    before anything is hashed, counted or stored."""
    for name, value in fields.items():
        limit = TOKEN_FIELD_LIMITS.get(name)
        if value is not None and limit is not None and len(value) > limit:
            return _oauth_error("invalid_request", f"{name}{where} is too long: "
                                                   f"send at most {limit} characters")
    return None


def _limiter(request: Request) -> FailedLoginLimiter:
    return request.app.state.login_limiter


@router.post(
    "/oauth/token", tags=["auth"], operation_id="issue_token", response_model=TokenResponse,
    summary="Get an access token (password or client_credentials grant)",
    openapi_extra=_TOKEN_FORM,
    responses={400: {"model": OAuthErrorBody}, 401: {"model": OAuthErrorBody},
               429: {"model": OAuthErrorBody, "description": "Too many failed requests; see Retry-After"}},
)
async def issue_token(request: Request, runtime: RuntimeDep) -> JSONResponse:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        return _oauth_error("invalid_request",
                            "send the token request as application/x-www-form-urlencoded")
    form = await request.form()
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    basic = _basic_credentials(request)
    too_long = _too_long(dict(fields)) or (
        _too_long({"client_id": basic[0], "client_secret": basic[1]}, " (HTTP Basic)") if basic else None)
    if too_long is not None:
        return too_long
    grant_type = fields.get("grant_type")
    if not grant_type:
        return _oauth_error("invalid_request", "grant_type is required")
    if grant_type not in ("password", "client_credentials"):
        return _oauth_error("unsupported_grant_type",
                            f"grant_type {grant_type!r} is not supported; use password or client_credentials")

    address = request.client.host if request.client else "unknown"
    if grant_type == "password":
        who = fields.get("username")
        if not who or "password" not in fields:
            return _oauth_error("invalid_request", "the password grant needs username and password")
        limiter_key = "user:" + who
    else:
        if basic is not None and ("client_id" in fields and fields["client_id"] != basic[0]
                                  or "client_secret" in fields):
            return _oauth_error("invalid_request",
                                "send client credentials either with HTTP Basic or in the body, not both")
        client_id, client_secret = basic if basic is not None else (
            fields.get("client_id"), fields.get("client_secret"))
        if not client_id or client_secret is None:
            return _oauth_error("invalid_client", "client_id and client_secret are required", 401,
                                {"WWW-Authenticate": 'Basic realm="retrainer"'})
        limiter_key = "client:" + client_id

    limiter = _limiter(request)
    reservation = await run_in_threadpool(partial(limiter.reserve, address, limiter_key,
                                                  chosen_secret=grant_type == "password"))
    if isinstance(reservation, Blocked):
        return _oauth_error("temporarily_unavailable",
                            f"too many failed token requests for this {reservation.what}; "
                            f"retry after {reservation.retry_after} seconds", 429,
                            {"Retry-After": str(reservation.retry_after)})

    def grant() -> tuple[str, service.TokenClaims]:
        with runtime.read_session() as session:
            if grant_type == "password":
                return service.password_grant(session, runtime.settings, fields["username"],
                                              fields["password"], requested)
            assert client_id is not None and client_secret is not None  # checked above
            return service.client_credentials_grant(session, runtime.settings, client_id, client_secret,
                                                    requested)

    try:
        requested = parse_scope_string(fields.get("scope"))
        token, claims = await run_in_threadpool(grant)
    except service.OAuthError as exc:
        if exc.error not in ("invalid_grant", "invalid_client"):  # the credentials were right
            await run_in_threadpool(limiter.release, reservation)
        headers = {"WWW-Authenticate": 'Basic realm="retrainer"'} if exc.status == 401 else None
        return _oauth_error(exc.error, exc.description, exc.status, headers)

    await run_in_threadpool(limiter.succeeded, reservation)
    body = TokenResponse(access_token=token, expires_in=int((claims.expires_at - claims.issued_at).total_seconds()),
                         scope=" ".join(sorted(claims.scopes)))
    return JSONResponse(body.model_dump(), headers=_NO_STORE)


@router.post(
    "/oauth/revoke", tags=["auth"], operation_id="revoke_token", status_code=200,
    response_class=Response,
    responses={200: {"description": "Revoked, or unknown to this service (RFC 7009): an empty body",
                     "content": {}},
               400: {"model": OAuthErrorBody,
                     "description": "No token given, or a token of another principal (RFC 6749 error)"}},
    summary="Revoke an access token (RFC 7009)",
    openapi_extra={"requestBody": {"required": True, "content": {
        "application/x-www-form-urlencoded": {"schema": {
            "type": "object", "required": ["token"],
            "properties": {"token": {"type": "string", "maxLength": TOKEN_FIELD_LIMITS["token"]}}}}}}},
)
async def revoke_token(request: Request, principal: AnyPrincipal, runtime: RuntimeDep) -> Response:
    form = await request.form()
    token = form.get("token")
    if not isinstance(token, str) or not token:
        return _oauth_error("invalid_request", "token is required")
    if (too_long := _too_long({"token": token})) is not None:
        return too_long

    def revoke() -> None:
        with runtime.unit_of_work() as uow:
            service.revoke_token(uow.session, runtime.settings, principal, token)

    try:
        await run_in_threadpool(revoke)
    except service.OAuthError as exc:
        return _oauth_error(exc.error, exc.description, exc.status)
    token_checks(request).forget_all()  # at once here; other processes within the refresh bound
    return Response(status_code=200, headers=_NO_STORE)


@router.get("/me", tags=["auth"], operation_id="get_me", response_model=Me,
            summary="Who this token belongs to")
def get_me(principal: AnyPrincipal) -> Me:
    return Me(kind=principal.kind, id=principal.id, name=principal.name,
              workspace=principal.workspace_name, workspace_id=principal.workspace_id,
              scopes=sorted(principal.scopes))


@router.post("/service-principals", tags=["service-principals"], operation_id="create_service_principal",
             status_code=status.HTTP_201_CREATED, response_model=ServicePrincipalCreated,
             summary="Create a service principal (its secret is shown only once)")
def create_service_principal(body: ServicePrincipalCreate, principal: AdminPrincipal,
                             uow: UnitOfWorkDep, response: Response) -> ServicePrincipalCreated:
    sp, secret = service.create_service_principal(uow.session, principal, body.name,
                                                  [s.value for s in body.scopes])
    response.headers.update(_NO_STORE)
    response.headers["Location"] = f"/service-principals/{sp.id}"
    return ServicePrincipalCreated(**service.principal_out(sp).model_dump(), client_secret=secret)


@router.get("/service-principals", tags=["service-principals"], operation_id="list_service_principals",
            response_model=ServicePrincipalPage, summary="List service principals")
def list_service_principals(principal: AdminPrincipal, session: ReaderDep,
                            page: PageDep) -> ServicePrincipalPage:
    rows = service.list_service_principals(session, principal, page)
    return ServicePrincipalPage.of(rows, page, service.principal_out, key=lambda sp: sp.id)


@router.get("/service-principals/{sp_id}", tags=["service-principals"],
            operation_id="get_service_principal", response_model=ServicePrincipalOut,
            summary="Get a service principal")
def get_service_principal(sp_id: str, principal: AdminPrincipal, session: ReaderDep) -> ServicePrincipalOut:
    return service.principal_out(service.get_service_principal(session, principal, sp_id))


@router.delete("/service-principals/{sp_id}", tags=["service-principals"],
               operation_id="revoke_service_principal", status_code=204,
               summary="Revoke a service principal; its issued tokens stop working")
def revoke_service_principal(sp_id: str, request: Request, principal: AdminPrincipal,
                             uow: UnitOfWorkDep) -> Response:
    service.revoke_service_principal(uow.session, principal, sp_id)
    uow.after_commit(token_checks(request).forget_all)  # its tokens stop at once in this process
    return Response(status_code=204)
