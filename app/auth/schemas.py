"""Request and response bodies of the auth routes."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from app.auth.scopes import Scope
from app.core.paging import Page


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
