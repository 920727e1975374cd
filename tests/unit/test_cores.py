"""Cores follow the work: each computing run on a host gets cores // runs threads; the
host's shared folder of computing runs cannot be turned against the service's files."""

from __future__ import annotations

import multiprocessing
import os
import stat
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
from threadpoolctl import threadpool_info

from worker.cores import ONE_THREAD_BELOW_ROWS, CoreShare


def _compute(directory: Path, started: Any, release: Any, seen: Any) -> None:
    share = CoreShare(cores=4, root=directory)
    with share.holding():
        started.release()
        release.wait(10)
        with share.for_step() as threads:
            seen.put(threads)


def test_a_step_on_a_small_table_keeps_one_thread_even_alone(tmp_path: Path) -> None:
    share = CoreShare(cores=4, root=tmp_path)
    with share.holding():
        with share.for_step(ONE_THREAD_BELOW_ROWS - 1) as small:
            assert small == 1
            assert all(pool["num_threads"] == 1 for pool in threadpool_info())
        with share.for_step(ONE_THREAD_BELOW_ROWS) as large, share.for_step(None) as no_table:
            assert large == no_table == 4


def test_a_lone_run_gets_every_core_and_a_burst_shares_them(tmp_path: Path) -> None:
    share = CoreShare(cores=4, root=tmp_path)
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
        with CoreShare(cores=2, root=tmp_path).holding():
            started.release()
            time.sleep(60)

    holder = context.Process(target=hold_forever)
    holder.start()
    assert started.acquire(timeout=10)
    share = CoreShare(cores=2, root=tmp_path)
    with share.holding():
        assert share.threads() == 1
        holder.kill()
        holder.join(10)
        assert share.threads() == 2  # the lock died with the process


# The host's folder of computing runs has a name any local user can guess ----------------------


@pytest.fixture
def host_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The temp folder the workers use (as TMPDIR would set it), and a file of the service
    user's that a local attacker would like the worker to truncate."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    tmp.chmod(0o1777)  # as /tmp is: anyone may create names in it
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    (tmp_path / "victim.txt").write_text("precious")
    return tmp


def _plant(tmp: Path, layout: str) -> None:
    """What another local user could prepare before the worker starts."""
    base = tmp / f"retrainer-{os.getuid()}"
    victim = tmp.parent / "victim.txt"
    elsewhere = tmp.parent / "attacker"
    (elsewhere / "runs-computing").mkdir(parents=True)
    os.symlink(victim, elsewhere / "runs-computing" / str(os.getpid()))
    if layout == "base-is-a-symlink":
        os.symlink(elsewhere, base)
    elif layout == "base-writable-by-others":
        base.mkdir(mode=0o777)
        base.chmod(0o777)
        os.symlink(elsewhere / "runs-computing", base / "runs-computing")
    elif layout == "folder-is-a-symlink":
        base.mkdir(mode=0o700)
        os.symlink(elsewhere / "runs-computing", base / "runs-computing")
    elif layout == "lock-file-is-a-symlink":
        (base / "runs-computing").mkdir(parents=True, mode=0o700)
        base.chmod(0o700)
        os.symlink(victim, base / "runs-computing" / str(os.getpid()))


@pytest.mark.parametrize("layout", ["base-is-a-symlink", "base-writable-by-others", "folder-is-a-symlink",
                                    "lock-file-is-a-symlink"])
def test_a_planted_symlink_is_not_followed_and_the_victim_file_is_untouched(
        host_tmp: Path, layout: str, caplog: pytest.LogCaptureFixture) -> None:
    _plant(host_tmp, layout)
    share = CoreShare(cores=2)
    with share.holding(), share.for_step() as threads:
        assert threads == 2  # the run goes on (counted alone when the folder is refused)
    assert (host_tmp.parent / "victim.txt").read_text() == "precious"
    if layout != "lock-file-is-a-symlink":
        assert "sized as if it ran alone" in caplog.text


def test_the_folder_of_computing_runs_is_ours_and_mode_0700(host_tmp: Path) -> None:
    share = CoreShare(cores=2)
    with share.holding():
        base = host_tmp / f"retrainer-{os.getuid()}"
        for folder in (base, base / "runs-computing"):
            info = os.lstat(folder)
            assert stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid(), folder
            assert stat.S_IMODE(info.st_mode) == 0o700, (folder, oct(info.st_mode))
        lock = os.lstat(base / "runs-computing" / str(os.getpid()))
        assert stat.S_ISREG(lock.st_mode) and stat.S_IMODE(lock.st_mode) & 0o077 == 0
