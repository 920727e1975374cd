"""Cores follow the work: each computing run on a host gets cores // runs threads."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path
from typing import Any

from threadpoolctl import threadpool_info

from worker.cores import CoreShare


def _compute(directory: Path, started: Any, release: Any, seen: Any) -> None:
    share = CoreShare(cores=4, directory=directory)
    with share.holding():
        started.release()
        release.wait(10)
        with share.for_step() as threads:
            seen.put(threads)


def test_a_lone_run_gets_every_core_and_a_burst_shares_them(tmp_path: Path) -> None:
    share = CoreShare(cores=4, directory=tmp_path)
    with share.holding(), share.for_step() as alone:
        assert alone == 4
        assert all(pool["num_threads"] <= 4 for pool in threadpool_info())

    context = multiprocessing.get_context("fork")
    started, release, seen = context.Semaphore(0), context.Event(), context.Queue()
    burst = [context.Process(target=_compute, args=(tmp_path, started, release, seen)) for _ in range(3)]
    for process in burst:
        process.start()
    for _ in burst:
        assert started.acquire(timeout=10)
    release.set()
    assert sorted(seen.get(timeout=10) for _ in burst) == [1, 1, 1]  # 4 cores // 3 runs, never more
    for process in burst:
        process.join(10)

    with share.holding():
        assert share.threads() == 4  # the burst's shares ended with its processes


def test_a_killed_run_frees_its_share(tmp_path: Path) -> None:
    context = multiprocessing.get_context("fork")
    started = context.Semaphore(0)

    def hold_forever() -> None:
        with CoreShare(cores=2, directory=tmp_path).holding():
            started.release()
            time.sleep(60)

    holder = context.Process(target=hold_forever)
    holder.start()
    assert started.acquire(timeout=10)
    share = CoreShare(cores=2, directory=tmp_path)
    with share.holding():
        assert share.threads() == 1
        holder.kill()
        holder.join(10)
        assert share.threads() == 2  # the lock died with the process
