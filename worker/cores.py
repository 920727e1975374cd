"""Cores follow the work: a run gets the cores that no other running run on its host uses.

Every worker child that holds a run takes an exclusive lock on a file of its own in a
directory shared by all the workers of the host (whatever their data directory). When a
step starts, the child counts the locked files (the runs computing on this host) and
sizes the native thread pools (OpenMP, BLAS) of the step to cores // runs: a lone run
on an idle 2-core host trains on 2 threads, a burst gets 1 each and never oversubscribes
(measured here: a prefork worker whose children each used every core ran a burst of
small fits 45x slower). A lock dies with its process, so a killed child frees its share.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from threadpoolctl import threadpool_limits

log = logging.getLogger("retrainer.cores")


def shares_dir() -> Path:
    path = Path(tempfile.gettempdir()) / f"retrainer-{os.getuid()}" / "runs-computing"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def _held(path: Path) -> bool:
    """Whether another process holds the lock of `path`."""
    try:
        with open(path, "rb") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(handle, fcntl.LOCK_UN)
            return False
    except FileNotFoundError:
        return False


class CoreShare:
    """This process's share of the host's cores while it holds a run."""

    def __init__(self, cores: int | None = None, directory: Path | None = None) -> None:
        self.cores = cores or os.cpu_count() or 1
        self._directory = directory
        self._handle: object | None = None

    @property
    def directory(self) -> Path:
        return self._directory or shares_dir()

    @property
    def path(self) -> Path:
        return self.directory / str(os.getpid())  # the pool child's, not its parent's

    @contextmanager
    def holding(self) -> Iterator[CoreShare]:
        """Counts this process among the host's computing runs for the block's length."""
        for other in self.directory.iterdir():  # left by processes that were killed
            with contextlib.suppress(FileNotFoundError):
                # Not one being created right now (opened, not yet locked).
                if other != self.path and time.time() - other.stat().st_mtime > 5 and not _held(other):
                    other.unlink()
        handle = open(self.path, "wb")  # the lock lives as long as the block
        fcntl.flock(handle, fcntl.LOCK_EX)
        self._handle = handle
        try:
            yield self
        finally:
            self._handle = None
            fcntl.flock(handle, fcntl.LOCK_UN)
            handle.close()
            self.path.unlink(missing_ok=True)

    def runs_computing(self) -> int:
        others = sum(1 for p in self.directory.iterdir() if p != self.path and _held(p))
        return others + (1 if self._handle is not None else 0)

    def threads(self) -> int:
        return max(1, self.cores // max(1, self.runs_computing()))

    @contextmanager
    def for_step(self) -> Iterator[int]:
        """Native thread pools sized for one step, decided as it starts."""
        threads = self.threads()
        with threadpool_limits(limits=threads):
            yield threads
