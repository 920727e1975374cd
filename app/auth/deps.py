"""Bearer-token dependencies: `Authenticated(scope)` checks the token and the scope.

Answers follow RFC 6750: 401 with `WWW-Authenticate: Bearer realm="retrainer"`
(plus `error="invalid_token"` when a token was sent but is bad), 403 with
`error="insufficient_scope"` and the scope that was needed.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from app.auth import tokens
from app.auth.challenge import bearer_challenge, require
from app.auth.scopes import Scope
from app.auth.service import Principal
from app.core.errors import Unauthorized
from app.core.security import InvalidToken

oauth2_scheme = OAuth2PasswordBearer(
    tokenUrl="/oauth/token",
    scopes={s.value: s.value for s in Scope},
    auto_error=False,
    description="OAuth 2.0 bearer token from POST /oauth/token (password or client_credentials grant).",
)


def token_checks(request: Request) -> tokens.TokenChecks:
    checks: tokens.TokenChecks = request.app.state.token_checks
    return checks


async def current_principal(request: Request, token: Annotated[str | None, Depends(oauth2_scheme)]) -> Principal:
    header = request.headers.get("authorization")
    if header is None:
        raise Unauthorized("This route needs an access token: send 'Authorization: Bearer <token>' "
                           "(get one from POST /oauth/token).", headers=bearer_challenge())
    if token is None or not token.strip() or " " in token.strip():
        raise Unauthorized("The Authorization header must be 'Bearer <token>'.",
                           headers=bearer_challenge("invalid_token", "malformed Authorization header"))
    # On the event loop: the claims are checked here, and the database is asked about the
    # token at most once per RETRAINER_REVOCATION_REFRESH_SECONDS (app.auth.tokens).
    try:
        # What it needs is read from app.state here, not through sub-dependencies: every
        # dependency FastAPI solves costs CPU on every authenticated request.
        state = request.app.state
        principal = await tokens.resolve(state.async_engine, state.runtime.settings, token_checks(request),
                                         token.strip())
    except InvalidToken as exc:
        raise Unauthorized(str(exc), headers=bearer_challenge("invalid_token", str(exc))) from exc
    request.state.principal = principal
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


class Authenticated:
    """A dependency that requires a valid token holding `scope`."""

    def __init__(self, scope: Scope | None = None) -> None:
        self.scope = scope

    async def __call__(self, principal: CurrentPrincipal) -> Principal:
        if self.scope is not None:
            require(principal.scopes, self.scope, "This route")
        return principal


# One typed dependency per scope: `principal: RunsRead` in a route signature.
AnyPrincipal = Annotated[Principal, Depends(Authenticated())]
AdminPrincipal = Annotated[Principal, Depends(Authenticated(Scope.admin))]
PipelinesRead = Annotated[Principal, Depends(Authenticated(Scope.pipelines_read))]
PipelinesWrite = Annotated[Principal, Depends(Authenticated(Scope.pipelines_write))]
EndpointsRead = Annotated[Principal, Depends(Authenticated(Scope.endpoints_read))]
EndpointsWrite = Annotated[Principal, Depends(Authenticated(Scope.endpoints_write))]
RunsRead = Annotated[Principal, Depends(Authenticated(Scope.runs_read))]
RunsWrite = Annotated[Principal, Depends(Authenticated(Scope.runs_write))]
ModelsRead = Annotated[Principal, Depends(Authenticated(Scope.models_read))]
DataRead = Annotated[Principal, Depends(Authenticated(Scope.data_read))]
DataWrite = Annotated[Principal, Depends(Authenticated(Scope.data_write))]
DeploymentsRead = Annotated[Principal, Depends(Authenticated(Scope.deployments_read))]
DeploymentsWrite = Annotated[Principal, Depends(Authenticated(Scope.deployments_write))]
TriggersRead = Annotated[Principal, Depends(Authenticated(Scope.triggers_read))]
TriggersWrite = Annotated[Principal, Depends(Authenticated(Scope.triggers_write))]
Predictor = Annotated[Principal, Depends(Authenticated(Scope.predict))]
WebhooksRead = Annotated[Principal, Depends(Authenticated(Scope.webhooks_read))]
WebhooksWrite = Annotated[Principal, Depends(Authenticated(Scope.webhooks_write))]
