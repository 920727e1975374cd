"""The Idempotency-Key flow as one call: claim, create once, replay, refuse, release."""

from __future__ import annotations

import concurrent.futures
import secrets
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar

import pytest
from sqlalchemy import update
from sqlmodel import Session, col, select

from app.core.clock import utcnow
from app.core.errors import InvalidInput
from app.db.async_engine import build_async_engine
from app.db.tables import IdempotencyKey, OutboxMessage, Run, RunStep
from app.db.unit_of_work import UnitOfWork
from app.runs import idempotency
from app.runs.service import Accepted, Planned
from app.runs.store import NewStep
from app.runtime import Runtime
from tests.helpers.aio import run_async
from tests.helpers.rows import run_with_steps, workspace

T = TypeVar("T")


class Creator:
    """A `create` for respond_once that records how often it ran; it plans a run (in a
    workspace of its own) that respond_once writes, as the routes' are."""

    def __init__(self, runtime: Runtime, together: threading.Barrier | None = None, fail: bool = False) -> None:
        self.runtime, self.together, self.fail = runtime, together, fail
        self.workspace_id = workspace(runtime.engine)
        self.calls = 0
        self.planned: list[str] = []  # the runs it planned, written or not
        self.before: Callable[[], None] | None = None

    def __call__(self, reader: Session) -> tuple[Planned, Accepted]:
        self.calls += 1
        if self.before is not None:
            self.before()
        if self.together is not None:  # held until every request is in its checks
            self.together.wait(60)
        if self.fail:
            raise InvalidInput("refused", errors=[{"loc": ["body"], "msg": "refused"}])
        run = Run(workspace_id=self.workspace_id, definition={}, pipeline_digest="0" * 64)
        self.planned.append(run.id)
        steps = [NewStep(name="import", position=0, component="import_data", component_version="1", settings={})]
        return Planned(run, steps), Accepted(run.id, {"id": run.id, "status": "queued"}, {"Location": f"/runs/{run.id}"})

    def runs(self) -> list[str]:
        with Session(self.runtime.engine) as session:
            return list(session.exec(select(Run.id).where(Run.workspace_id == self.workspace_id)))

    def written(self) -> list[tuple[str, int, int]]:
        """For each planned run: (id, its steps, its messages) as the database holds them."""
        with Session(self.runtime.engine) as session:
            return [(run_id, len(session.exec(select(RunStep.id).where(RunStep.run_id == run_id)).all()),
                     len(session.exec(select(OutboxMessage.id).where(OutboxMessage.task_id == run_id)).all()))
                    for run_id in self.planned]


def _principal(ws: str) -> str:
    return "usr_" + ws[3:]  # a principal of the workspace (ids are opaque to the flow)


async def _respond(runtime: Runtime, ws: str, key: str | None, fingerprint: str, create: Creator,
                   principal: str | None = None) -> tuple[Accepted, bool]:
    # An async engine of this event loop's own, as each API process has one.
    engine = build_async_engine(runtime.settings)
    try:
        return await idempotency.respond_once(runtime, engine, ws, principal or _principal(ws), key, fingerprint,
                                              create)
    finally:
        await engine.dispose()


def _once(runtime: Runtime, ws: str, key: str | None, fingerprint: str, create: Creator,
          principal: str | None = None) -> tuple[Accepted, bool]:
    return run_async(_respond(runtime, ws, key, fingerprint, create, principal))


def test_same_key_same_request_replays_the_first_response(runtime: Runtime) -> None:
    ws, key, create = workspace(runtime.engine), secrets.token_hex(8), Creator(runtime)
    first, replayed = _once(runtime, ws, key, "a" * 64, create)
    again, replayed_again = _once(runtime, ws, key, "a" * 64, create)
    assert (replayed, replayed_again, create.calls) == (False, True, 1)
    assert (again.status_code, again.body, again.headers) == (202, first.body, first.headers)
    # Another workspace may use the same key for its own request.
    _other, other_replayed = _once(runtime, workspace(runtime.engine), key, "a" * 64, create)
    assert (other_replayed, create.calls) == (False, 2)


def test_a_key_is_its_principals_own(runtime: Runtime) -> None:
    """Another principal of the same workspace sending a key (same request or not) gets a
    run of its own: a predictable key cannot be squatted or replayed by a neighbour."""
    ws, key, create = workspace(runtime.engine), secrets.token_hex(8), Creator(runtime)
    ci, neighbour = "sp_ci" + secrets.token_hex(4), "sp_nb" + secrets.token_hex(4)
    first, _ = _once(runtime, ws, key, "a" * 64, create, principal=ci)
    same, same_replayed = _once(runtime, ws, key, "a" * 64, create, principal=neighbour)
    other, other_replayed = _once(runtime, ws, key + "x", "a" * 64, create, principal=neighbour)
    squat, squat_replayed = _once(runtime, ws, key, "b" * 64, create, principal="usr_" + secrets.token_hex(4))
    assert (same_replayed, other_replayed, squat_replayed, create.calls) == (False, False, False, 4)
    assert len({first.run_id, same.run_id, other.run_id, squat.run_id}) == 4
    again, replayed = _once(runtime, ws, key, "a" * 64, create, principal=ci)
    assert (replayed, again.run_id, create.calls) == (True, first.run_id, 4)


def test_same_key_another_request_is_refused(runtime: Runtime) -> None:
    ws, key, create = workspace(runtime.engine), secrets.token_hex(8), Creator(runtime)
    _once(runtime, ws, key, "a" * 64, create)
    with pytest.raises(InvalidInput) as refused:
        _once(runtime, ws, key, "b" * 64, create)
    assert refused.value.errors == [{"loc": ["header", "Idempotency-Key"], "msg": refused.value.errors[0]["msg"]}]
    assert create.calls == 1


def test_a_refused_request_keeps_nothing_so_it_can_be_fixed(runtime: Runtime) -> None:
    ws, key = workspace(runtime.engine), secrets.token_hex(8)
    with pytest.raises(InvalidInput):
        _once(runtime, ws, key, "a" * 64, Creator(runtime, fail=True))
    fixed = Creator(runtime)
    _response, replayed = _once(runtime, ws, key, "a" * 64, fixed)
    assert (replayed, fixed.calls) == (False, 1)


def test_concurrent_requests_with_one_key_create_once(runtime: Runtime) -> None:
    """Two requests with one key, as two API processes would send them (each its own event
    loop and engine), both past their checks before either writes."""
    ws, key = workspace(runtime.engine), secrets.token_hex(8)
    create = Creator(runtime, together=threading.Barrier(2))
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        both = [pool.submit(_once, runtime, ws, key, "a" * 64, create) for _ in range(2)]
        results = [future.result() for future in both]
    # Both ran their checks; one run was written, and both answer with it.
    assert create.calls == 2 and len(create.runs()) == 1
    assert sorted(replayed for _, replayed in results) == [False, True]
    assert results[0][0].body == results[1][0].body == {"id": create.runs()[0], "status": "queued"}


def test_a_refused_duplicate_leaves_no_run_behind(runtime: Runtime) -> None:
    """The run, its steps and the claim are written together: a request whose claim is
    taken between its check of the key and its write writes nothing (no orphan run, no
    message for it) and answers with the first one's."""
    ws, key = workspace(runtime.engine), secrets.token_hex(8)
    racing, first = Creator(runtime), Creator(runtime)
    answers: list[Accepted] = []

    def meanwhile() -> None:  # another request with the key commits while ours is checked
        answers.append(_once(runtime, ws, key, "a" * 64, first)[0])

    racing.before = meanwhile
    again, replayed = _once(runtime, ws, key, "a" * 64, racing)
    assert (replayed, racing.calls, first.calls) == (True, 1, 1)
    assert (again.run_id, again.body) == (answers[0].run_id, answers[0].body)
    assert (racing.runs(), first.runs()) == ([], [answers[0].run_id])
    # The winner's run, step and message are there; the loser's run wrote nothing at all.
    assert (first.written(), racing.written()) == ([(answers[0].run_id, 1, 1)], [(racing.planned[0], 0, 0)])


def test_a_request_that_died_after_creating_its_run_is_replayed_not_repeated(runtime: Runtime) -> None:
    ws, key = workspace(runtime.engine), secrets.token_hex(8)
    run_id = run_with_steps(runtime.engine, workspace_id=ws)
    with UnitOfWork(runtime.engine) as uow:  # its claim, bound to its run, never completed
        uow.session.add(IdempotencyKey(workspace_id=ws, principal_id=_principal(ws), key=key, request_hash="a" * 64, run_id=run_id,
                                       created_at=utcnow() - timedelta(minutes=5),
                                       expires_at=utcnow() + timedelta(hours=1)))
    create = Creator(runtime)
    response, replayed = _once(runtime, ws, key, "a" * 64, create)
    assert (replayed, create.calls, response.run_id, response.body["id"]) == (True, 0, run_id, run_id)
    with Session(runtime.engine) as session:
        claim = session.exec(select(IdempotencyKey).where(IdempotencyKey.key == key)).one()
        assert claim.status_code == 202  # completed now, so later retries replay it directly


def test_a_claim_abandoned_before_creating_anything_is_freed(runtime: Runtime) -> None:
    ws, key = workspace(runtime.engine), secrets.token_hex(8)
    with UnitOfWork(runtime.engine) as uow:
        uow.session.add(IdempotencyKey(workspace_id=ws, principal_id=_principal(ws), key=key, request_hash="a" * 64,
                                       created_at=utcnow() - timedelta(minutes=5),
                                       expires_at=utcnow() + timedelta(hours=1)))
    create = Creator(runtime)
    _response, replayed = _once(runtime, ws, key, "a" * 64, create)
    assert (replayed, create.calls) == (False, 1)


def test_expired_keys_are_forgotten(runtime: Runtime) -> None:
    ws, key, create = workspace(runtime.engine), secrets.token_hex(8), Creator(runtime)
    _once(runtime, ws, key, "a" * 64, create)
    with UnitOfWork(runtime.engine) as uow:
        uow.session.execute(update(IdempotencyKey).where(col(IdempotencyKey.key) == key)
                            .values(expires_at=utcnow() - timedelta(seconds=1)))
    _response, replayed = _once(runtime, ws, key, "b" * 64, create)  # a new request may use it
    assert (replayed, create.calls) == (False, 2)


def test_without_a_key_every_request_creates(runtime: Runtime) -> None:
    ws, create = workspace(runtime.engine), Creator(runtime)
    _once(runtime, ws, None, "a" * 64, create)
    _once(runtime, ws, None, "a" * 64, create)
    assert create.calls == 2 and len(create.runs()) == 2
