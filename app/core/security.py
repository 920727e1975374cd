"""Password hashing and access tokens. The only module that imports python-jose or passlib.

Tokens are HS256 JWTs; the accepted algorithm list is pinned so that neither
`alg: none` nor an algorithm-confusion token is ever verified.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from jose import ExpiredSignatureError, JWTError, jwt
from passlib.context import CryptContext

from app.core.clock import utcnow

ALGORITHM = "HS256"
_ALGORITHMS = [ALGORITHM]

# Argon2id (RFC 9106) with passlib's defaults; `deprecated="auto"` lets a later
# change of parameters rehash on the next successful login.
_passwords = CryptContext(schemes=["argon2"], deprecated="auto", argon2__type="ID")

# Verified against when the username or client id is unknown, so that a miss costs
# the same time as a wrong password and cannot be used to enumerate accounts.
_DUMMY_HASH = _passwords.hash(secrets.token_urlsafe(16))


def hash_secret(plain: str) -> str:
    return str(_passwords.hash(plain))


def verify_secret(plain: str, hashed: str | None) -> bool:
    """Constant-work check: an unknown principal (hashed=None) still pays for one verify."""
    if hashed is None:
        _passwords.verify(plain, _DUMMY_HASH)
        return False
    try:
        return bool(_passwords.verify(plain, hashed))
    except (ValueError, TypeError):
        return False


def new_client_secret() -> str:
    return secrets.token_urlsafe(32)


def new_client_id() -> str:
    return "rtc_" + secrets.token_hex(12)


@dataclass(frozen=True)
class TokenClaims:
    subject: str
    workspace_id: str
    scopes: frozenset[str]
    jti: str
    issued_at: datetime
    expires_at: datetime


class InvalidToken(Exception):
    """The token cannot be trusted; the message is safe to show the client."""


def issue_token(
    *,
    subject: str,
    workspace_id: str,
    scopes: list[str],
    key: str,
    issuer: str,
    audience: str,
    lifetime: timedelta,
) -> tuple[str, TokenClaims]:
    now = utcnow().replace(microsecond=0)
    claims = TokenClaims(
        subject=subject,
        workspace_id=workspace_id,
        scopes=frozenset(scopes),
        jti=secrets.token_urlsafe(16),
        issued_at=now,
        expires_at=now + lifetime,
    )
    payload = {
        "sub": subject,
        "iss": issuer,
        "aud": audience,
        "iat": int(now.timestamp()),
        "exp": int(claims.expires_at.timestamp()),
        "jti": claims.jti,
        "scope": " ".join(sorted(scopes)),
        "ws": workspace_id,
    }
    return jwt.encode(payload, key, algorithm=ALGORITHM), claims


def decode_token(token: str, *, key: str, issuer: str, audience: str) -> TokenClaims:
    try:
        payload = jwt.decode(
            token,
            key,
            algorithms=_ALGORITHMS,
            audience=audience,
            issuer=issuer,
            options={"require_exp": True, "require_iat": True, "require_sub": True,
                     "require_jti": True, "require_aud": True, "require_iss": True},
        )
    except ExpiredSignatureError as exc:
        raise InvalidToken("The access token expired; get a new one from POST /oauth/token") from exc
    except JWTError as exc:
        raise InvalidToken("The access token is malformed or its signature is invalid") from exc
    scope = payload.get("scope")
    workspace = payload.get("ws")
    if not isinstance(scope, str) or not isinstance(workspace, str):
        raise InvalidToken("The access token lacks its scope or workspace claims")
    return TokenClaims(
        subject=payload["sub"],
        workspace_id=workspace,
        scopes=frozenset(scope.split()),
        jti=payload["jti"],
        issued_at=datetime.fromtimestamp(payload["iat"], tz=utcnow().tzinfo),
        expires_at=datetime.fromtimestamp(payload["exp"], tz=utcnow().tzinfo),
    )
