"""The scopes a token may carry, and which principals hold which."""

from __future__ import annotations

from enum import StrEnum


class Scope(StrEnum):
    pipelines_read = "pipelines:read"
    pipelines_write = "pipelines:write"
    endpoints_read = "endpoints:read"
    endpoints_write = "endpoints:write"
    runs_read = "runs:read"
    runs_write = "runs:write"
    models_read = "models:read"
    data_read = "data:read"
    data_write = "data:write"
    deployments_read = "deployments:read"
    deployments_write = "deployments:write"
    predict = "predict"
    webhooks_read = "webhooks:read"
    webhooks_write = "webhooks:write"
    admin = "admin"


ALL_SCOPES: frozenset[str] = frozenset(s.value for s in Scope)
USER_SCOPES: frozenset[str] = ALL_SCOPES - {Scope.admin.value}


def scopes_of_user(is_admin: bool) -> frozenset[str]:
    return ALL_SCOPES if is_admin else USER_SCOPES


def parse_scope_string(value: str | None) -> list[str] | None:
    """RFC 6749 section 3.3: space-delimited; None means 'not asked'."""
    if value is None or value.strip() == "":
        return None
    return sorted(set(value.split()))
