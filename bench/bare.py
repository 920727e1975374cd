"""The bare Celery floor: the same work as a run, as a plain Celery task on the same Redis.

F2 (one tiny experiment, send -> worker -> result) and M3's fan-out use it. The worker
is configured like Retrainer's where it matters for speed (prefork children, acks_late,
prefetch 1, JSON, native thread pools sized cores / concurrency per child), on its own
queue, with Redis as the result backend so that the client sees each task end.

    python -m celery -A bench.bare worker ...   (started by BareWorker)
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from celery import Celery
from celery.signals import worker_init, worker_process_init

QUEUE = "bench-bare"
BROKER_ENV = "BENCH_BARE_BROKER_URL"
CONCURRENCY_ENV = "BENCH_BARE_CONCURRENCY"


def make_app(broker_url: str) -> Celery:
    app = Celery("bench-bare", broker=broker_url, backend=broker_url)
    app.conf.update(
        task_default_queue=QUEUE,
        task_acks_late=True,
        worker_prefetch_multiplier=1,
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
        result_expires=3600,
        broker_connection_retry_on_startup=True,
    )
    return app


app = make_app(os.environ.get(BROKER_ENV, "memory://"))


@app.task(name="bench.tiny")
def tiny(path: str) -> dict:
    from bench.expert import experiment

    return experiment(path)


@app.task(name="bench.noop")
def noop() -> None:
    return None


@worker_init.connect
def _preload(**_kwargs) -> None:
    # In the parent, before the pool forks: children start warm, as Retrainer's do, and
    # the OpenMP runtime is loaded, so that threadpool_limits in the children takes hold.
    import bench.expert  # noqa: F401


@worker_process_init.connect
def _size_native_thread_pools(**_kwargs) -> None:
    from threadpoolctl import threadpool_limits

    concurrency = int(os.environ.get(CONCURRENCY_ENV) or os.cpu_count() or 1)
    threadpool_limits(limits=max(1, (os.cpu_count() or 1) // concurrency))


class BareWorker:
    """A bare Celery worker process with `concurrency` children."""

    def __init__(self, broker_url: str, concurrency: int, log_path: Path, cwd: Path) -> None:
        env = {**os.environ, BROKER_ENV: broker_url, CONCURRENCY_ENV: str(concurrency)}
        with open(log_path, "wb") as log:  # the child keeps its own descriptor
            self.process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "bench.bare", "worker", "--pool", "prefork",
                 "--concurrency", str(concurrency), "--queues", QUEUE, "--without-gossip",
                 "--without-mingle", "--loglevel", "WARNING"],
                env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
        self.client = make_app(broker_url)

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("the bare Celery worker exited; see its log")
            try:
                self.client.send_task("bench.noop").get(timeout=2)
                return
            except Exception:  # noqa: BLE001 - not ready yet, whatever the reason
                time.sleep(0.2)
        raise RuntimeError("the bare Celery worker did not answer")

    def round_trip(self, name: str, *args: str) -> object:
        return self.client.send_task(name, args=list(args)).get(timeout=600)

    def fan_out(self, name: str, args: list[str], count: int) -> None:
        results = [self.client.send_task(name, args=args) for _ in range(count)]
        for result in results:
            result.get(timeout=3600)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
