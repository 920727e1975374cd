"""The API's token check: no query per request.

A token's signature, lifetime, subject, workspace and scopes are its signed claims,
checked without the database: the signature once per process and token, the lifetime on
every request. What the claims cannot say, whether the
token was revoked and whether its principal is still active and holds what it held,
is read from the database at most once per `RETRAINER_REVOCATION_REFRESH_SECONDS`
(default 5) for each token, and kept in a small per-process cache in between: a
revocation, a disabled user or a revoked service principal stops a token within that
bound in every API process, and at once in the process that made the change
(`forget_all`). Workspace scoping and scope checks are unchanged: they use the claims
intersected with what the principal holds, as `app.auth.service.principal_of` does.
"""

from __future__ import annotations

import time
from collections import OrderedDict

from sqlalchemy.ext.asyncio import AsyncEngine

from app.auth import repository as repo
from app.auth.service import Principal, TokenHolder, claims_of, holder_of, principal_of
from app.core.clock import utcnow
from app.core.security import TokenClaims
from app.core.settings import Settings
from app.db.async_engine import reading

MAX_ENTRIES = 10_000


class TokenChecks:
    """What the database said about each recent token (jti), and when (monotonic seconds)."""

    def __init__(self, refresh_seconds: float, max_entries: int = MAX_ENTRIES) -> None:
        self.refresh_seconds = refresh_seconds
        self.max_entries = max_entries
        self._entries: OrderedDict[str, tuple[float, str, str, TokenHolder | None]] = OrderedDict()
        # Tokens whose signature this process checked, with their claims (signing key, token).
        self._verified: OrderedDict[tuple[str, str], TokenClaims] = OrderedDict()
        # Bumped by forget_all: an answer read before a change made here is not kept.
        self.generation = 0

    def fresh(self, jti: str, subject: str, workspace_id: str) -> tuple[bool, TokenHolder | None]:
        entry = self._entries.get(jti)
        if entry is None or time.monotonic() - entry[0] >= self.refresh_seconds:
            return False, None
        # A jti is random, but the answer is only ever used for the claims it was read for.
        return (entry[1], entry[2]) == (subject, workspace_id), entry[3]

    def remember(self, jti: str, subject: str, workspace_id: str, holder: TokenHolder | None,
                 read_at: float, generation: int) -> None:
        if generation != self.generation:
            return
        self._entries[jti] = (read_at, subject, workspace_id, holder)
        self._entries.move_to_end(jti)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def claims(self, settings: Settings, token: str) -> TokenClaims:
        """The token's claims: its signature is checked once per process (a JWT's HMAC and
        JSON decoding were a tenth of an authenticated request's CPU), its lifetime on every
        call. Only tokens that passed the check are kept, under the key that signed them."""
        key = (settings.signing_key(), token)
        claims = self._verified.get(key)
        if claims is not None and claims.expires_at > utcnow():
            return claims
        self._verified.pop(key, None)
        claims = claims_of(settings, token)  # raises InvalidToken, e.g. for an expired token
        self._verified[key] = claims
        while len(self._verified) > self.max_entries:
            self._verified.popitem(last=False)
        return claims

    def forget_all(self) -> None:
        """After this process revoked a token or a principal: the next check reads again."""
        self._entries.clear()
        self.generation += 1


async def resolve(engine: AsyncEngine, settings: Settings, checks: TokenChecks, token: str) -> Principal:
    """The principal behind a bearer token, or InvalidToken with a reason safe to show."""
    claims = checks.claims(settings, token)
    hit, holder = checks.fresh(claims.jti, claims.subject, claims.workspace_id)
    if not hit:
        read_at, generation = time.monotonic(), checks.generation  # before the read: no older than this
        async with reading(engine) as connection:
            columns = await repo.token_holder_columns(connection, claims.subject, claims.workspace_id, claims.jti)
        holder = holder_of(claims.subject, columns)
        checks.remember(claims.jti, claims.subject, claims.workspace_id, holder, read_at, generation)
    return principal_of(claims, holder)
