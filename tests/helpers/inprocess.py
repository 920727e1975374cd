"""Calling the services as the routers do, in process: a signed-in principal, and the
unit of work a request gets (committed when the block ends, rolled back on an error)."""

from __future__ import annotations

import functools
import secrets
from collections.abc import AsyncIterator, Callable, Iterable
from typing import Any

from app.auth.service import Principal, resolve_token, token_for
from app.db.tables import Pipeline
from app.runtime import Runtime
from tests.helpers.aio import run_async


@functools.cache
def _unusable_password_hash() -> str:
    """One hash of a secret nobody knows, for every signed-in user: hashing costs half a
    second, and these users get their tokens issued directly, never by password."""
    from app.core.security import hash_secret

    return hash_secret(secrets.token_urlsafe(24))


def signed_in(runtime: Runtime, *, admin: bool = True, scopes: Iterable[str] | None = None,
              workspace: str | None = None) -> Principal:
    """The principal a request of a new user carries (a workspace of its own by default):
    the user is stored, a token issued with `scopes` (all the user holds by default) and
    resolved as `current_principal` resolves it. (tests/auth/ creates users through the
    service and signs in with their passwords.)"""
    from app.auth.scopes import scopes_of_user
    from app.auth.service import ensure_workspace
    from app.db.tables import User

    with runtime.unit_of_work() as uow:
        ws = ensure_workspace(uow.session, workspace or "ws-" + secrets.token_hex(5))
        user = User(workspace_id=ws.id, username="u-" + secrets.token_hex(5), password_hash=_unusable_password_hash(),
                    is_admin=admin)
        uow.session.add(user)
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

    ref = datastores.upload_target(runtime, principal.workspace_id, principal.workspace_name, store, path)

    async def body() -> AsyncIterator[bytes]:
        yield content

    run_async(datastores.write_stream(ref, body(), runtime.settings.max_upload_bytes))


def submit(runtime: Runtime, principal: Principal, pipeline_id: str, *, regenerate: bool = False,
           **parameters: Any) -> str:
    """A run of the draft, recorded as POST /pipelines/{id}/runs records it (its message
    stays in the outbox: in-process tests have no broker)."""
    from app.runs import service as runs
    from app.runs.schemas import RunRequest

    create = runs.draft_creator(runtime.settings, principal, pipeline_id,
                                RunRequest(parameters=parameters, regenerate=regenerate))
    with runtime.read_session() as reader:
        planned, _answer = create(reader)
    with runtime.unit_of_work() as uow:
        return runs.record(uow, planned).id


class Registry:
    """Registered model versions for steps that name one, as the worker finds them."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def find(self, workspace_id: str, name: str, version: int | None) -> Any:
        from app.models_registry import service as models

        with self.runtime.read_session() as session:
            number = version if version is not None else models.latest_number(session, workspace_id, name)
            found = models.version(session, workspace_id, name, number)
            if found is not None:
                session.expunge(found)
            return found


def execute(runtime: Runtime, run_id: str, attempt_of: Callable[[Any], Any] = lambda attempt: attempt) -> str:
    """The run claimed and executed in this process as a worker child executes it (its
    `RunExecution`, then the post-run hooks, then its success), without Celery, its
    heartbeat thread and its process limits: the outcome. `attempt_of` may wrap the
    claimed attempt (the run's fenced writes) to act between them."""
    from app.datastores.service import stores_of
    from app.runs.store import Attempt, RunInactive
    from worker.executor import RunExecution, Trained
    from worker.hooks import HookContext, run_hooks

    claimed = Attempt.claim(runtime.engine, run_id, runtime.settings.max_attempts)
    assert claimed is not None, f"run {run_id} was not queued"
    attempt, run = claimed
    with runtime.read_session() as session:
        stores = stores_of(session, runtime.settings, run.workspace_id)
    execution = RunExecution(runtime.settings, attempt_of(attempt), run, stores, registry=Registry(runtime))
    try:
        trained = execution.train()
        if not isinstance(trained, Trained):
            return trained
        writes = run_hooks(HookContext(runtime.settings, stores, runtime.read_session), trained)
        return execution.succeed(trained, writes)
    except RunInactive:  # as the worker's task: the run is no longer this attempt's
        return "inactive"
