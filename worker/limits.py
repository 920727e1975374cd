"""A run's memory limit, enforced in the worker child that executes it.

RLIMIT_DATA caps the memory the process may allocate (heap and private mappings):
set to what the child already uses plus the run's allowance for the length of
the run, an allocation over it raises MemoryError in the step (numpy, pandas and
scikit-learn all surface it), the run fails with "out of memory", and the limit
is lifted again so the child goes on serving other runs.

Unset (RETRAINER_RUN_MEMORY_LIMIT_MB), a run may use its child's share of what the
host (or its cgroup) has: 80% of it divided among the worker's children, so that one
run over it fails with its reason instead of bringing the host down.
"""

from __future__ import annotations

import re
import resource
from collections.abc import Iterator
from contextlib import contextmanager

MIB = 1024 * 1024
HOST_SHARE = 0.8
MIN_DEFAULT_MB = 256


def host_memory_bytes() -> int:
    """The memory this process may use at most: the host's, or its cgroup's if lower."""
    with open("/proc/meminfo") as handle:
        match = re.search(r"MemTotal:\s+(\d+) kB", handle.read())
    total = int(match.group(1)) * 1024 if match else 0
    for path in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            with open(path) as handle:
                text = handle.read().strip()
        except OSError:
            continue
        if text.isdigit() and 0 < int(text) < (total or int(text) + 1):
            total = int(text)
    return total


def run_allowance_mb(configured: int | None, concurrency: int) -> int:
    """The memory one run may allocate, in MiB: the configured one, else the child's share."""
    if configured is not None:
        return configured
    share = int(host_memory_bytes() * HOST_SHARE / max(1, concurrency) / MIB)
    return max(MIN_DEFAULT_MB, share)


def data_segment_bytes() -> int:
    with open("/proc/self/status") as handle:
        match = re.search(r"VmData:\s+(\d+) kB", handle.read())
    return int(match.group(1)) * 1024 if match else 0


@contextmanager
def memory_limit(allowance_mb: int | None) -> Iterator[None]:
    if allowance_mb is None:
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    limit = data_segment_bytes() + allowance_mb * MIB
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_DATA, (soft, hard))
