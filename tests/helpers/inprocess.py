"""Calling the services as the routers do, in process: a signed-in principal, and the
unit of work a request gets (committed when the block ends, rolled back on an error)."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Iterable
from typing import Any

from app.auth.service import Principal, create_user, resolve_token, token_for
from app.db.tables import Pipeline
from app.runtime import Runtime
from tests.helpers.aio import run_async


def signed_in(runtime: Runtime, *, admin: bool = True, scopes: Iterable[str] | None = None,
              workspace: str | None = None) -> Principal:
    """The principal a request of a new user carries (a workspace of its own by default):
    the user is created, a token issued with `scopes` (all the user holds by default) and
    resolved as `current_principal` resolves it."""
    from app.auth.scopes import scopes_of_user

    with runtime.unit_of_work() as uow:
        user = create_user(uow.session, username="u-" + secrets.token_hex(5), password="pw-" + secrets.token_hex(8),
                           workspace=workspace or "ws-" + secrets.token_hex(5), admin=admin)
    held = sorted(scopes if scopes is not None else scopes_of_user(admin))
    token, _ = token_for(runtime.settings, subject=user.id, workspace_id=user.workspace_id, scopes=held)
    with runtime.read_session() as session:
        return resolve_token(session, runtime.settings, token)


def draft(runtime: Runtime, principal: Principal, body: dict[str, Any]) -> Pipeline:
    """A draft pipeline, checked and stored as POST /pipelines does."""
    from app.pipelines import service as pipelines

    with runtime.unit_of_work() as uow:
        return pipelines.create(uow.session, principal, pipelines.parse_pipeline(body, runtime.settings))


def upload(runtime: Runtime, principal: Principal, path: str, content: bytes, store: str = "default") -> None:
    """A file in a datastore of the principal's workspace, written as PUT /datastores/... does."""
    from app.datastores import service as datastores

    ref = datastores.upload_target(runtime, principal.workspace_id, store, path)

    async def body() -> AsyncIterator[bytes]:
        yield content

    run_async(datastores.write_stream(ref, body(), runtime.settings.max_upload_bytes))
