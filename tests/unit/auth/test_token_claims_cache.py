"""The token check keeps a token's verified claims per process: what it may never do is
accept a token after its lifetime, or under a signing key other than the one that signed it."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from app.auth.tokens import TokenChecks
from app.core.security import InvalidToken, issue_token
from app.core.settings import Settings


def _settings(key: str) -> Settings:
    return Settings(secret_key=key)


def _token(settings: Settings, lifetime: timedelta) -> str:
    token, _claims = issue_token(subject="usr_x", workspace_id="ws_x", scopes=["runs:read"],
                                 key=settings.signing_key(), issuer=settings.token_issuer,
                                 audience=settings.token_audience, lifetime=lifetime)
    return token


def test_a_cached_token_still_expires() -> None:
    settings, checks = _settings("k" * 40), TokenChecks(refresh_seconds=5)
    token = _token(settings, timedelta(seconds=1))
    assert checks.claims(settings, token).subject == "usr_x"
    assert checks.claims(settings, token).subject == "usr_x"  # from the cache
    time.sleep(2.1)  # the claims count whole seconds
    with pytest.raises(InvalidToken, match="expired"):
        checks.claims(settings, token)


def test_a_cached_token_is_not_accepted_under_another_key() -> None:
    """A rotated signing key ends every token signed with the old one, cached or not."""
    old, new, checks = _settings("o" * 40), _settings("n" * 40), TokenChecks(refresh_seconds=5)
    token = _token(old, timedelta(minutes=5))
    assert checks.claims(old, token).workspace_id == "ws_x"
    with pytest.raises(InvalidToken, match="signature"):
        checks.claims(new, token)


def test_the_cache_is_bounded() -> None:
    settings, checks = _settings("k" * 40), TokenChecks(refresh_seconds=5, max_entries=3)
    tokens = [_token(settings, timedelta(minutes=5)) for _ in range(5)]
    for token in tokens:
        checks.claims(settings, token)
    assert len(checks._verified) == 3
