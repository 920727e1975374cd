"""A run's memory limit, enforced in the worker child that executes it.

RLIMIT_DATA caps the memory the process may allocate (heap and private mappings):
set to what the child already uses plus the run's allowance for the length of
the run, an allocation over it raises MemoryError in the step (numpy, pandas and
scikit-learn all surface it), the run fails with "out of memory", and the limit
is lifted again so the child goes on serving other runs.
"""

from __future__ import annotations

import re
import resource
from collections.abc import Iterator
from contextlib import contextmanager

MIB = 1024 * 1024


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
