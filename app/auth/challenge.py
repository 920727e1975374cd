"""RFC 6750 answers for bearer tokens: the WWW-Authenticate challenge of a 401 or 403,
and the insufficient-scope error that services raise when a principal lacks a scope
(a route's own scope, or one a run would act with)."""

from __future__ import annotations

from app.auth.scopes import Scope
from app.core.errors import Forbidden

REALM = "retrainer"


def _quote(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"')


def bearer_challenge(error: str | None = None, description: str | None = None,
                     scope: str | None = None) -> dict[str, str]:
    parts = [f'Bearer realm="{REALM}"']
    if error:
        parts.append(f'error="{error}"')
    if description:
        parts.append(f'error_description="{_quote(description)}"')
    if scope:
        parts.append(f'scope="{scope}"')
    return {"WWW-Authenticate": ", ".join(parts)}


def insufficient_scope(scope: Scope, why: str) -> Forbidden:
    """403 `insufficient_scope` naming `scope`; `why` says what needed it."""
    return Forbidden(f"{why} needs the scope '{scope.value}', which this token does not carry; "
                     "ask for a token with that scope.",
                     headers=bearer_challenge("insufficient_scope", f"needs scope {scope.value}", scope.value))


def require(scopes: frozenset[str], scope: Scope, why: str) -> None:
    if scope.value not in scopes:
        raise insufficient_scope(scope, why)
