"""A submission's checks run on the event loop (PostgreSQL), except a remote store's call:
a data path in a bucket is checked in the thread pool, so a slow bucket never stalls the
loop (every request of the API process, whatever its workspace). On SQLite the whole
submission takes one thread-pool hop: there the second test shows the same outcome."""

from __future__ import annotations

import concurrent.futures
import threading

import pytest
from sqlmodel import Session

from app.datastores.paths import resolve
from app.db.async_engine import build_async_engine
from app.db.tables import Run
from app.runs import idempotency
from app.runs.service import Accepted, Planned
from app.runtime import Runtime
from app.storage.base import ObjectInfo, OnEventLoop
from app.storage.refused import RefusedStore
from tests.helpers.aio import run_async
from tests.helpers.rows import workspace


class Bucket(RefusedStore):
    """A stand-in for a bucket (a real one is tested through the API in
    tests/test_s3_datastores.py): it records the thread of each stat."""

    remote = True

    def __init__(self) -> None:
        super().__init__("s3://bucket", "unused")
        self.stat_threads: list[int] = []

    def stat(self, key: str) -> ObjectInfo | None:
        self.stat_threads.append(threading.get_ident())
        return ObjectInfo(key=key, size=1)


def test_a_remote_store_is_never_called_on_the_event_loop() -> None:
    bucket = Bucket()

    async def on_the_loop() -> None:
        resolve({"lake": bucket}, "datastore://lake/train.csv")

    with pytest.raises(OnEventLoop):
        run_async(on_the_loop())
    assert bucket.stat_threads == []
    # In a thread with no event loop (the suite's main thread may run one: the browser tests'):
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(resolve, {"lake": bucket}, "datastore://lake/train.csv").result()
    assert len(bucket.stat_threads) == 1


def test_checks_that_reach_a_bucket_finish_in_the_thread_pool(runtime: Runtime) -> None:
    bucket, ws = Bucket(), workspace(runtime.engine)
    loop_threads: list[int] = []

    def create(reader: Session) -> tuple[Planned, Accepted]:
        resolve({"lake": bucket}, "datastore://lake/train.csv")
        run = Run(workspace_id=ws, definition={}, pipeline_digest="0" * 64)
        return Planned(run, []), Accepted(run.id, {"id": run.id})

    async def submit() -> tuple[Accepted, bool]:
        loop_threads.append(threading.get_ident())
        engine = build_async_engine(runtime.settings)
        try:
            return await idempotency.respond_once(runtime, engine, ws, "usr_" + ws[3:], None, "", create)
        finally:
            await engine.dispose()

    response, replayed = run_async(submit())
    assert not replayed and response.body == {"id": response.run_id}
    assert len(bucket.stat_threads) == 1 and bucket.stat_threads != loop_threads
