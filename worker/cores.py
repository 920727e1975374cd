"""Cores follow the work: a run gets the cores that no other running run on its host uses.

Every worker child that holds a run takes an exclusive lock on a file of its own in a
directory shared by all the workers of the host (whatever their data directory). When a
step starts, the child counts the locked files (the runs computing on this host) and
sizes the native thread pools (OpenMP, BLAS) of the step to cores // runs: a lone run
on an idle 2-core host trains on 2 threads, a burst gets 1 each and never oversubscribes
(measured here: a prefork worker whose children each used every core ran a burst of
small fits 45x slower). A lock dies with its process, so a killed child frees its share.

The directory, `<tmp>/retrainer-<uid>/runs-computing`, has a name anyone on the host can
guess, so another local user could create it first, or plant a symlink there, and have
the worker create or truncate files wherever it points. Both folders are therefore made
mode 0700 by this user, and used only if they are real folders (not symlinks) of this
user that nobody else can write; everything inside is reached through the folder's
descriptor (no path is resolved twice) and opened with O_NOFOLLOW. A folder that fails
those checks is not used: the run goes on, counted alone, and a warning says why.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import logging
import os
import stat
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from threadpoolctl import ThreadpoolController

log = logging.getLogger("retrainer.cores")

_NOFOLLOW = os.O_NOFOLLOW | os.O_CLOEXEC


class UnsafeFolder(RuntimeError):
    """The folder cannot be trusted (someone else's, writable by others, or a symlink)."""


def shares_path(root: Path | None = None) -> Path:
    """Where the host's computing runs are counted (`root`: the temp folder)."""
    return (root or Path(tempfile.gettempdir())) / f"retrainer-{os.getuid()}" / "runs-computing"


def _private(name: str | Path, dir_fd: int | None, shown: Path) -> int:
    """A descriptor of the folder `name`, created mode 0700 if missing; UnsafeFolder unless
    it is a real folder of this user's that no one else can write into."""
    with contextlib.suppress(FileExistsError):
        os.mkdir(name, 0o700, dir_fd=dir_fd)
    try:
        fd = os.open(name, os.O_RDONLY | os.O_DIRECTORY | _NOFOLLOW, dir_fd=dir_fd)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR):
            raise UnsafeFolder(f"{shown} is a symlink or a file, not a folder") from None
        raise
    info = os.fstat(fd)
    problem = (f"{shown} belongs to another user (uid {info.st_uid})" if info.st_uid != os.getuid() else
               f"{shown} may be written by others (mode {stat.S_IMODE(info.st_mode):o})"
               if info.st_mode & 0o077 else None)
    if problem is not None:
        os.close(fd)
        raise UnsafeFolder(problem)
    return fd


def open_shares(root: Path | None = None) -> int:
    """A descriptor of the host's folder of computing runs, checked (UnsafeFolder)."""
    path = shares_path(root)
    base = _private(path.parent, None, path.parent)
    try:
        return _private(path.name, base, path)
    finally:
        os.close(base)


def _held(folder: int, name: str) -> bool:
    """Whether another process holds the lock of the file `name` in `folder`."""
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NONBLOCK | _NOFOLLOW, dir_fd=folder)
    except OSError:  # gone, or not a file of ours (a symlink is not followed)
        return False
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


class CoreShare:
    """This process's share of the host's cores while it holds a run."""

    def __init__(self, cores: int | None = None, root: Path | None = None) -> None:
        self.cores = cores or os.cpu_count() or 1
        self._root = root  # instead of the temp folder (tests)
        self._folder: int | None = None  # the shares' folder, while a run is held
        self._holding = False

    @property
    def _name(self) -> str:
        return str(os.getpid())  # the pool child's, not its parent's

    @contextmanager
    def holding(self) -> Iterator[CoreShare]:
        """Counts this process among the host's computing runs for the block's length."""
        try:
            folder: int | None = open_shares(self._root)
        except (UnsafeFolder, OSError) as exc:
            log.warning("this run's threads are sized as if it ran alone on the host: %s", exc)
            folder = None
        handle = None
        try:
            if folder is not None:
                self._sweep(folder)
                # Whatever has this name (a file of a dead process with the same pid) goes;
                # the lock file is then made new, never opened through a link.
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(self._name, dir_fd=folder)
                handle = os.open(self._name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o600,
                                 dir_fd=folder)
                fcntl.flock(handle, fcntl.LOCK_EX)  # the lock lives as long as the block
            self._folder, self._holding = folder, True
            yield self
        finally:
            self._folder, self._holding = None, False
            if handle is not None and folder is not None:
                fcntl.flock(handle, fcntl.LOCK_UN)
                os.close(handle)
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(self._name, dir_fd=folder)
            if folder is not None:
                os.close(folder)

    def _sweep(self, folder: int) -> None:
        """Removes what killed processes left (and anything that is not a regular file)."""
        for name in os.listdir(folder):
            if name == self._name:
                continue
            with contextlib.suppress(FileNotFoundError):
                info = os.stat(name, dir_fd=folder, follow_symlinks=False)
                # Not one being created right now (opened, not yet locked).
                if not stat.S_ISREG(info.st_mode) or (time.time() - info.st_mtime > 5 and not _held(folder, name)):
                    os.unlink(name, dir_fd=folder)  # a symlink itself, never its target

    def runs_computing(self) -> int:
        if self._folder is None:
            return 1 if self._holding else 0
        others = sum(1 for name in os.listdir(self._folder) if name != self._name and _held(self._folder, name))
        return others + 1

    def threads(self) -> int:
        return max(1, self.cores // max(1, self.runs_computing()))

    @contextmanager
    def for_step(self, rows: int | None = None) -> Iterator[int]:
        """Native thread pools sized for one step, decided as it starts: one thread when its
        largest input table has fewer than ONE_THREAD_BELOW_ROWS rows (None: it takes none)."""
        threads = 1 if rows is not None and rows < ONE_THREAD_BELOW_ROWS else self.threads()
        with _controller().limit(limits=threads):
            yield threads


# Below this many rows a step computes on one native thread, whatever its share: on small
# data OpenMP's per-iteration barriers cost more than a second core gives, and a thread that
# waits for a core other work holds spins (docs/benchmarks.md, `python -m bench.threads`).
# Measured: a lone fit on 1,000 rows took 107-110 ms on 1 thread and 146-154 ms on 2 (load
# 6-7), 0.6-1.1 s against 16-41 s at load 17; the Adult script (a 26,048-row fit) 716 ms on
# 1 and 649 ms on 2 on a quiet machine. Between the two the crossover was not measured on a
# quiet machine yet (`--sizes`); 10,000 keeps Adult's fit on every core it may have.
ONE_THREAD_BELOW_ROWS = 10_000

_CONTROLLER: tuple[int, ThreadpoolController] | None = None


def _controller() -> ThreadpoolController:
    """The process's native thread pools, found once and again only when modules were
    imported since (a new extension may bring its own pool): finding them walks the loaded
    shared libraries, about 2 ms a step."""
    global _CONTROLLER
    if _CONTROLLER is None or _CONTROLLER[0] != len(sys.modules):
        _CONTROLLER = (len(sys.modules), ThreadpoolController())
    return _CONTROLLER[1]
