"""A worker child limits the memory of each run even when the operator set no limit:
its share of what the host (or its cgroup) has, so that one run fails with its reason
instead of taking the host down."""

from __future__ import annotations

import time

import pytest

from app.core.settings import Settings
from worker import tasks
from worker.limits import MIB, host_memory_bytes, memory_limit, run_allowance_mb


def test_a_worker_child_has_a_memory_limit_by_default(tmp_path):
    settings = Settings(data_dir=tmp_path, worker_concurrency=64, run_memory_limit_mb=None)
    allowance = tasks._allowance_mb(settings)
    assert allowance == max(256, int(host_memory_bytes() * 0.8 / 64 / MIB))
    assert run_allowance_mb(512, 64) == 512  # a configured limit is the limit
    # For real: over the default allowance, an allocation fails (and is not made).
    with memory_limit(allowance), pytest.raises(MemoryError):
        bytearray((allowance + 100) * MIB)
    assert len(bytearray(64 * MIB)) == 64 * MIB  # lifted again afterwards
    # The run's error names the limit and where it comes from.
    message = tasks._explanations(settings, _Run(), started=time.monotonic())(MemoryError())
    assert f"limit of {allowance} MiB" in message and "RETRAINER_RUN_MEMORY_LIMIT_MB" in message


class _Run:
    time_limit_seconds = None
