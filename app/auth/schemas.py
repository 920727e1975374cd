"""Request and response bodies of the auth routes."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from app.auth.scopes import Scope
from app.core.paging import Page

# The longest value each token request field may have: well above any real one (a
# username or client id is at most 100 characters, a generated secret 43, every scope
# together about 300), so that a caller cannot make the service hash, log or count
# megabytes. /oauth/revoke's `token` is an access token (a JWT of about 1 KB).
TOKEN_FIELD_LIMITS = {"grant_type": 64, "username": 100, "password": 1024, "client_id": 100,
                      "client_secret": 1024, "scope": 1024, "token": 8192}


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    scope: str


class OAuthErrorBody(BaseModel):
    error: str = Field(description="invalid_request, invalid_client, invalid_grant, invalid_scope, "
                                   "unsupported_grant_type or temporarily_unavailable")
    error_description: str


class Me(BaseModel):
    kind: str = Field(description="user or service_principal")
    id: str
    name: str
    workspace: str
    workspace_id: str
    scopes: list[str]


class ServicePrincipalCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9._\- ]*$")
    scopes: list[Scope] = Field(min_length=1)


class ServicePrincipalOut(BaseModel):
    id: str
    name: str
    client_id: str
    scopes: list[str]
    created_at: datetime
    revoked_at: datetime | None = None


class ServicePrincipalCreated(ServicePrincipalOut):
    client_secret: str = Field(description="Shown only in this response; store it now.")


class ServicePrincipalPage(Page[ServicePrincipalOut]):
    pass
